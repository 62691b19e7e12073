#include "image/store/blob_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>

#include <fmt/format.h>

#include "runtime/sys/error.hpp"

namespace stk::image {
namespace {

constexpr uint64_t kWritebackStep = 4 << 20;

}  // namespace

BlobWriter::BlobWriter(StoreLease lease, const std::filesystem::path& tmp_dir,
                       std::filesystem::path blob_dir, std::optional<Digest> expected,
                       std::optional<uint64_t> expected_size)
    : lease_(std::move(lease)),
      blob_dir_(std::move(blob_dir)),
      expected_(std::move(expected)),
      expected_size_(expected_size) {
    std::string tmpl = (tmp_dir / "blob-XXXXXX").string();
    fd_.reset(::mkostemp(tmpl.data(), O_CLOEXEC));
    if (!fd_) throw_errno(fmt::format("create temporary blob in \"{}\"", tmp_dir.string()));
    tmp_path_ = tmpl;
}

BlobWriter::BlobWriter(Resumable, StoreLease lease, const std::filesystem::path& tmp_dir,
                       std::filesystem::path blob_dir, const Digest& expected, std::optional<uint64_t> expected_size)
    : lease_(std::move(lease)),
      blob_dir_(std::move(blob_dir)),
      tmp_path_(tmp_dir / ("partial-" + expected.hex())),
      expected_(expected),
      expected_size_(expected_size),
      keep_on_drop_(true) {
    fd_.reset(::open(tmp_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!fd_) throw_errno(fmt::format("open partial blob \"{}\"", tmp_path_.string()));
    rehash_kept_bytes();
}

void BlobWriter::rehash_kept_bytes() {
    struct stat st {};
    if (::fstat(fd_.get(), &st) != 0) throw_errno(fmt::format("stat partial blob \"{}\"", tmp_path_.string()));
    if (st.st_size == 0) return;  // nothing kept: the usual case
    constexpr size_t kBuffer = 1 << 20;
    auto buf = std::make_unique_for_overwrite<char[]>(kBuffer);
    for (;;) {
        ssize_t n = ::read(fd_.get(), buf.get(), kBuffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno(fmt::format("read partial blob \"{}\"", tmp_path_.string()));
        if (n == 0) break;
        hash_.update(buf.get(), static_cast<size_t>(n));
        written_ += static_cast<uint64_t>(n);
    }
    if (expected_size_ && written_ > *expected_size_) restart();  // not a prefix of this blob
    writeback_from_ = written_;
}

void BlobWriter::restart() {
    if (done_) throw Error("blob writer: restart after commit");
    if (::ftruncate(fd_.get(), 0) != 0 || ::lseek(fd_.get(), 0, SEEK_SET) != 0)
        throw_errno(fmt::format("truncate \"{}\"", tmp_path_.string()));
    hash_ = Sha256();
    written_ = 0;
    writeback_from_ = 0;
}

BlobWriter::~BlobWriter() {
    if (keep_on_drop_ && !done_) {
        fd_.reset();
        done_ = true;
        return;
    }
    discard();
}

BlobWriter::BlobWriter(BlobWriter&& o) noexcept
    : lease_(std::move(o.lease_)),
      blob_dir_(std::move(o.blob_dir_)),
      tmp_path_(std::move(o.tmp_path_)),
      fd_(std::move(o.fd_)),
      hash_(std::move(o.hash_)),
      expected_(std::move(o.expected_)),
      expected_size_(o.expected_size_),
      written_(o.written_),
      writeback_from_(o.writeback_from_),
      done_(o.done_),
      keep_on_drop_(o.keep_on_drop_) {
    o.done_ = true;
}

void BlobWriter::discard() noexcept {
    if (done_) return;
    done_ = true;
    fd_.reset();
    if (!tmp_path_.empty()) ::unlink(tmp_path_.c_str());
}

void BlobWriter::write(const void* data, size_t size) {
    if (done_) throw Error("blob writer: write after commit");
    if (expected_size_ && written_ + size > *expected_size_) {
        std::string what = fmt::format("blob {}: more than the expected {} bytes",
                                       expected_ ? expected_->str() : "", *expected_size_);
        discard();
        throw Error(what);
    }
    const char* p = static_cast<const char*>(data);
    size_t left = size;
    while (left) {
        ssize_t n = ::write(fd_.get(), p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            discard();
            throw SysError(fmt::format("write \"{}\"", tmp_path_.string()), err);
        }
        p += n;
        left -= static_cast<size_t>(n);
    }
    hash_.update(data, size);
    written_ += size;
    // Starts writing what has come so far back to disk without waiting: commit()'s fsync then
    // has little left to do. Only a hint, so its result does not matter.
    if (written_ - writeback_from_ >= kWritebackStep) {
        ::sync_file_range(fd_.get(), static_cast<off_t>(writeback_from_),
                          static_cast<off_t>(written_ - writeback_from_), SYNC_FILE_RANGE_WRITE);
        writeback_from_ = written_;
    }
}

Digest BlobWriter::commit() {
    if (done_) throw Error("blob writer: commit twice");
    Digest got = hash_.finish();
    if (expected_size_ && written_ != *expected_size_) {
        discard();
        throw Error(fmt::format("blob {}: size {} differs from the expected {}; refused",
                                expected_ ? expected_->str() : got.str(), written_, *expected_size_));
    }
    if (expected_ && got != *expected_) {
        discard();
        throw Error(fmt::format("blob {}: content has digest {}; refused (corrupted or wrong blob)",
                                expected_->str(), got.str()));
    }
    if (::fsync(fd_.get()) != 0) {
        int err = errno;
        discard();
        throw SysError(fmt::format("fsync \"{}\"", tmp_path_.string()), err);
    }
    ::fchmod(fd_.get(), 0644);
    fd_.reset();
    auto target = blob_dir_ / got.hex();
    if (::rename(tmp_path_.c_str(), target.c_str()) != 0) {
        int err = errno;
        discard();
        throw SysError(fmt::format("rename \"{}\" to \"{}\"", tmp_path_.string(), target.string()), err);
    }
    done_ = true;
    return got;
}

}  // namespace stk::image
