#include "image/archive/tar_output.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <ctime>
#include <random>
#include <vector>

#include <fmt/format.h>

#include "runtime/sys/error.hpp"
#include "runtime/sys/unique_fd.hpp"

namespace stk::image {
namespace {

struct EntryDeleter {
    void operator()(struct archive_entry* e) const { archive_entry_free(e); }
};
using EntryPtr = std::unique_ptr<struct archive_entry, EntryDeleter>;

EntryPtr header(const std::string& name, unsigned type, unsigned perm, int64_t size) {
    EntryPtr e(archive_entry_new());
    archive_entry_set_pathname(e.get(), name.c_str());
    archive_entry_set_filetype(e.get(), type);
    archive_entry_set_perm(e.get(), perm);
    archive_entry_set_size(e.get(), size);
    archive_entry_set_mtime(e.get(), std::time(nullptr), 0);
    return e;
}

}  // namespace

TarOutput::TarOutput(std::filesystem::path output) : output_(std::move(output)) {
    tmp_ = output_;
    tmp_ += fmt::format(".tmp{:x}", std::random_device{}());
    a_ = archive_write_new();
    archive_write_set_format_pax_restricted(a_);
    if (archive_write_open_filename(a_, tmp_.c_str()) != ARCHIVE_OK) fail("create");
}

TarOutput::~TarOutput() {
    if (a_) archive_write_free(a_);
    if (!committed_) ::unlink(tmp_.c_str());
}

void TarOutput::fail(const std::string& what) {
    throw Error(fmt::format("write \"{}\": {}: {}", output_.string(), what,
                            archive_error_string(a_) ? archive_error_string(a_) : "unknown error"));
}

void TarOutput::add_directory(const std::string& name) {
    EntryPtr e = header(name, AE_IFDIR, 0755, 0);
    if (archive_write_header(a_, e.get()) != ARCHIVE_OK) fail(name);
}

void TarOutput::add_bytes(const std::string& name, std::string_view content) {
    EntryPtr e = header(name, AE_IFREG, 0644, static_cast<int64_t>(content.size()));
    if (archive_write_header(a_, e.get()) != ARCHIVE_OK) fail(name);
    if (!content.empty() && archive_write_data(a_, content.data(), content.size()) < 0) fail(name);
}

void TarOutput::add_file(const std::string& name, const std::filesystem::path& source) {
    UniqueFd fd(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw_errno(fmt::format("open \"{}\"", source.string()));
    EntryPtr e = header(name, AE_IFREG, 0644, static_cast<int64_t>(std::filesystem::file_size(source)));
    if (archive_write_header(a_, e.get()) != ARCHIVE_OK) fail(name);
    std::vector<char> buf(1 << 20);
    ssize_t n;
    while ((n = ::read(fd.get(), buf.data(), buf.size())) > 0)
        if (archive_write_data(a_, buf.data(), static_cast<size_t>(n)) < 0) fail(name);
    if (n < 0) throw_errno(fmt::format("read \"{}\"", source.string()));
}

void TarOutput::commit() {
    if (archive_write_close(a_) != ARCHIVE_OK) fail("close");
    if (::rename(tmp_.c_str(), output_.c_str()) != 0)
        throw_errno(fmt::format("rename \"{}\" to \"{}\"", tmp_.string(), output_.string()));
    committed_ = true;
}

}  // namespace stk::image
