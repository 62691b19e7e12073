#include "runtime/mount/pivot_root.hpp"

#include <fcntl.h>
#include <limits.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/path/safe_path.hpp"
#include "runtime/sys/error.hpp"

namespace stk::runtime {

void pivot_root_in_child(const std::filesystem::path& new_root) {
    with_context(fmt::format("pivot_root to \"{}\"", new_root.string()), [&] {
        UniqueFd root(::open(new_root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!root) throw_errno("open the new root");
        if (::fchdir(root.get()) != 0) throw_errno("fchdir the new root");
        // pivot_root(".", "."): the old root ends up stacked on "."; no put_old dir needed.
        if (::syscall(SYS_pivot_root, ".", ".") != 0) throw_errno("pivot_root");
        // Private before detaching, so the unmount cannot propagate anywhere.
        if (::mount(nullptr, ".", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
            throw_errno("make the old root private");
        if (::umount2(".", MNT_DETACH) != 0) throw_errno("detach the old root");
        if (::chdir("/") != 0) throw_errno("chdir /");
    });
}

void make_root_read_only_in_child() {
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_RDONLY;
    if (::mount_setattr(AT_FDCWD, "/", 0, &attr, sizeof attr) != 0)
        throw_errno("make the root read-only");
}

void enter_cwd_in_child(const std::string& cwd) {
    with_context(fmt::format("enter working directory \"{}\"", cwd), [&] {
        UniqueFd root(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!root) throw_errno("open /");
        UniqueFd dir = open_in_root(root.get(), cwd, O_PATH | O_DIRECTORY);
        if (::fchdir(dir.get()) != 0) throw_errno("fchdir");
        char buf[PATH_MAX];
        // getcwd fails (ENOENT) or does not start with '/' when cwd is outside our root.
        if (!::getcwd(buf, sizeof buf)) throw_errno("getcwd");
        if (buf[0] != '/')
            throw Error(fmt::format("working directory \"{}\" is outside the root", buf));
    });
}

}  // namespace stk::runtime
