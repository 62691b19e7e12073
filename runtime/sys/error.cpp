#include "runtime/sys/error.hpp"

namespace stk {

void throw_errno(const std::string& operation) { throw SysError(operation, errno); }

}  // namespace stk
