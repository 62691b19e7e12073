#pragma once
// Lets headers name the event loop without pulling Boost.Asio into everyone who includes them.
namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace stk::supervise {
using IoContext = boost::asio::io_context;
}  // namespace stk::supervise
