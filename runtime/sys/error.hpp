#pragma once
// Errors with a context chain: each layer adds one frame, outermost first.
//   start service "web": create container "demo-web-1": mount "/x" on "/": Permission denied
#include <cerrno>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

#include <fmt/format.h>

namespace stk {

class Error : public std::runtime_error {
public:
    explicit Error(std::string message, std::error_code code = {})
        : std::runtime_error(message), message_(std::move(message)), code_(code) {}

    const std::error_code& code() const noexcept { return code_; }
    const std::string& message() const noexcept { return message_; }

    // A copy of this error with `frame` prepended as the outer context.
    Error wrapped(const std::string& frame) const { return Error(frame + ": " + message_, code_); }

private:
    std::string message_;
    std::error_code code_;
};

// An error from a system call: names the call and its operands, carries errno and its text.
class SysError : public Error {
public:
    SysError(const std::string& operation, int err)
        : Error(operation + ": " + std::system_category().message(err),
                std::error_code(err, std::system_category())) {}
};

// Throws SysError with the current errno.
[[noreturn]] void throw_errno(const std::string& operation);

// Runs `fn`; any Error escaping it gets `frame` added as outer context.
template <typename Fn>
decltype(auto) with_context(const std::string& frame, Fn&& fn) {
    try {
        return std::forward<Fn>(fn)();
    } catch (const Error& e) {
        throw e.wrapped(frame);
    } catch (const std::system_error& e) {
        throw Error(frame + ": " + e.what(), e.code());
    }
}

// Calls a syscall-like function returning -1 on error and throws SysError naming `what`.
template <typename T>
T check_sys(T result, const std::string& what) {
    if (result == static_cast<T>(-1)) throw_errno(what);
    return result;
}

}  // namespace stk
