#pragma once
// Problems found while loading a stack file. Several are collected before failing, each with
// file:line:col, the field path and what to change.
#include <string>
#include <vector>

#include "orchestrator/load/tree.hpp"
#include "runtime/sys/error.hpp"

namespace stk::load {

struct Diagnostic {
    Location loc;
    std::string path;     // field path: "services.web.ports[0].published"; may be empty
    std::string message;  // what is wrong
    std::string hint;     // what to change; may be empty

    // "compose.yaml:12:5: services.web.ports[0]: invalid port \"x\" (use HOST:CONTAINER)"
    std::string to_string() const;
};

class Diagnostics {
public:
    void error(Location loc, std::string path, std::string message, std::string hint = {});
    void warning(Location loc, std::string path, std::string message, std::string hint = {});

    bool has_errors() const { return !errors_.empty(); }
    const std::vector<Diagnostic>& errors() const { return errors_; }
    const std::vector<Diagnostic>& warnings() const { return warnings_; }

    // Throws LoadError with every error collected so far, if any.
    void throw_if_errors() const;

private:
    std::vector<Diagnostic> errors_;
    std::vector<Diagnostic> warnings_;
};

// One or more loader errors. what() is every error on its own line.
class LoadError : public Error {
public:
    explicit LoadError(std::vector<Diagnostic> errors);
    explicit LoadError(Diagnostic error) : LoadError(std::vector<Diagnostic>{std::move(error)}) {}
    const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

private:
    std::vector<Diagnostic> diagnostics_;
};

// The valid name nearest to `given` (edit distance), or "" when nothing is close.
std::string nearest_name(const std::string& given, const std::vector<std::string>& candidates);

}  // namespace stk::load
