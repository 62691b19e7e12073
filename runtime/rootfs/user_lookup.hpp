#pragma once
// Resolves a container's `user:` ("uid[:gid]" or "name[:group]", mixed forms allowed) from the
// container's own /etc/passwd and /etc/group, read through a root fd with RESOLVE_IN_ROOT —
// never the host's files and never NSS (CVE-2019-14271). Called in the child after pivot_root
// with root_fd = open("/", O_PATH); tests pass a temp directory.
#include <sys/types.h>

#include <string>
#include <vector>

namespace stk::runtime {

struct ResolvedUser {
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;  // supplementary groups (from /etc/group membership), sorted
    std::string home = "/";
};

// Empty spec = root. A numeric uid missing from /etc/passwd is allowed (gid defaults to its
// passwd gid when listed, else 0, as docker does); an unknown name throws stk::Error.
ResolvedUser resolve_user(int root_fd, const std::string& user_spec);

}  // namespace stk::runtime
