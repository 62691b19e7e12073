#pragma once
// The names of one network: owner (container) -> names -> address, with round-robin order
// when several owners share a name. Thread-safe: the supervisor updates it while the server
// answers.
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace stk::net::dns {

class RecordTable {
public:
    void set(const std::string& owner, const std::vector<std::string>& names, uint32_t address);
    void remove(const std::string& owner);

    // Every address of `name` (any case, trailing dot optional), rotated by one on each call so
    // that successive answers start with a different replica; nullopt for an unknown name.
    std::optional<std::vector<uint32_t>> lookup(const std::string& name);
    // The first name set for `address` (for PTR); nullopt when none.
    std::optional<std::string> reverse(uint32_t address) const;

private:
    struct Entry {
        std::vector<std::string> names;  // canonical
        uint32_t address = 0;
    };
    mutable std::mutex mutex_;
    std::map<std::string, Entry> owners_;
    std::map<std::string, uint64_t> rotation_;  // canonical name -> answers given
};

}  // namespace stk::net::dns
