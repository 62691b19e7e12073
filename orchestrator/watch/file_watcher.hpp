#pragma once
// Watches files and directory trees with inotify on the event loop and reports what changed,
// debounced: a batch is delivered once nothing changed for `quiet` (so an editor's
// write-temp-then-rename, or a `git checkout` touching many files, is one batch), and at the
// latest `max_delay` after its first change (a file rewritten without pause still converges).
//
// Single files are watched through their directory and filtered by name: editors replace a file
// by renaming a new one over it, which a watch on the file itself would lose. A directory tree
// is watched whole; directories created inside it are added as they appear and the files
// already in them reported.
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <vector>

#include "orchestrator/supervise/loop/asio_fwd.hpp"

namespace stk::watch {

struct WatchSet {
    std::vector<std::filesystem::path> files;  // absolute; may not exist yet
    std::vector<std::filesystem::path> trees;  // absolute directories, watched recursively
};

struct ChangeBatch {
    std::set<std::filesystem::path> paths;  // written, created, renamed over, or deleted
    bool overflow = false;                  // the kernel dropped events: assume anything changed
    std::chrono::steady_clock::time_point first;  // when the first change of the batch was seen
};

struct DebounceOptions {
    std::chrono::milliseconds quiet{60};
    std::chrono::milliseconds max_delay{1000};
};

class FileWatcher {
public:
    using Callback = std::function<void(const ChangeBatch&)>;

    // Throws SysError when inotify cannot be set up.
    FileWatcher(supervise::IoContext& io, DebounceOptions debounce, Callback on_change);
    ~FileWatcher();
    FileWatcher(const FileWatcher&) = delete;
    FileWatcher& operator=(const FileWatcher&) = delete;

    // Replaces what is watched. Directories that do not exist (yet) are skipped; call again
    // once they may exist. A directory that cannot be watched throws SysError naming it.
    void watch(const WatchSet& set);

    // The directories currently holding an inotify watch (for tests and diagnostics).
    std::vector<std::filesystem::path> watched_directories() const;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace stk::watch
