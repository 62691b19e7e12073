#pragma once
// A tar file being written (libarchive, pax): entries from memory or from files. Written to a
// temporary name beside the output and renamed by commit(); dropped otherwise.
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

struct archive;

namespace stk::image {

class TarOutput {
public:
    explicit TarOutput(std::filesystem::path output);
    ~TarOutput();
    TarOutput(const TarOutput&) = delete;
    TarOutput& operator=(const TarOutput&) = delete;

    void add_directory(const std::string& name);
    void add_bytes(const std::string& name, std::string_view content);
    void add_file(const std::string& name, const std::filesystem::path& source);
    void commit();

private:
    void fail(const std::string& what);

    std::filesystem::path output_;
    std::filesystem::path tmp_;
    struct archive* a_ = nullptr;
    bool committed_ = false;
};

}  // namespace stk::image
