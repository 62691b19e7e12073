#include "image/store/boot_id.hpp"

#include "runtime/sys/error.hpp"
#include "runtime/sys/file_util.hpp"

namespace stk::image {

const std::string& boot_id() {
    static const std::string id = [] {
        std::string text = read_file("/proc/sys/kernel/random/boot_id");
        while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
        if (text.empty()) throw Error("/proc/sys/kernel/random/boot_id is empty");
        return text;
    }();
    return id;
}

}  // namespace stk::image
