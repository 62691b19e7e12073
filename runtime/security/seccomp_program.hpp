#pragma once
// The default seccomp filter with docker's intent, compiled with libseccomp once per
// capability-relevant variant, exported to classic BPF and kept for the life of the process and,
// through runtime/security/seccomp_cache, for later processes of the same binary.
// Loading it in a child is one prctl() with the stored sock_fprog: no allocation, no libseccomp.
#include <linux/filter.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace stk::runtime {

class SeccompProgram {
public:
    // The program for docker's default capabilities.
    static const SeccompProgram& docker_default();
    // The program for a container holding `capabilities` (bit i = capability i): CAP_SYS_ADMIN
    // allows mount/unshare/setns/clone namespaces, CAP_SYS_PTRACE kcmp/pidfd_getfd, and so on,
    // as docker's profile does. Compiled on first use, cached by the relevant bits; call it in
    // the parent before clone so the child only loads.
    static const SeccompProgram& for_capabilities(uint64_t capabilities);

    // prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER). Needs no_new_privs or CAP_SYS_ADMIN.
    void load_in_child() const;

    size_t instruction_count() const noexcept { return code_.size(); }
    double compile_ms() const noexcept { return compile_ms_; }  // build + export, or cache read

    explicit SeccompProgram(uint64_t relevant_capabilities);
    SeccompProgram(const SeccompProgram&) = delete;
    SeccompProgram& operator=(const SeccompProgram&) = delete;

private:
    void compile(uint64_t caps);  // libseccomp build + export into code_

    std::vector<sock_filter> code_;
    sock_fprog fprog_{};
    double compile_ms_ = 0;
};

// prctl(PR_SET_NO_NEW_PRIVS, 1).
void set_no_new_privs_in_child();

}  // namespace stk::runtime
