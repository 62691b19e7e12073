#pragma once
// A build project: the e2e project (private run/data roots, cgroup parent, `stack down` and
// cleanup at the end) plus the busybox-static base image stored in its image store and a
// build context written from strings.
#include <fstream>
#include <string>

#include "image/store/image_store.hpp"
#include "tests/integration/e2e/e2e_support.hpp"
#include "tests/support/busybox_image.hpp"

namespace buildtest {
namespace fs = std::filesystem;

inline const char* kBase = "stk-test/busybox:latest";

class BuildProject : public e2e::Project {
public:
    explicit BuildProject(const std::string& yaml) : e2e::Project(yaml) {
        // Only the base image's blobs and its manifest/config: the store unpacks the layers.
        stk::test::BusyboxImage base;
        stk::image::ImageStore store = this->store();
        for (const auto& l : base.manifest().layers)
            store.put_blob(e2e::slurp(base.blob(l.digest)), l.digest);
        store.put_image(base.reference(), base.manifest_json(), base.config_json());
    }

    stk::image::ImageStore store() const { return stk::image::ImageStore(dir / "data" / "images"); }

    void file(const std::string& rel, const std::string& content) const {
        fs::create_directories((dir / rel).parent_path());
        std::ofstream(dir / rel) << content;
    }

    // Lines of `out` that contain `what`.
    static int count(const std::string& out, const std::string& what) {
        int n = 0;
        for (size_t pos = out.find(what); pos != std::string::npos; pos = out.find(what, pos + 1)) ++n;
        return n;
    }
};

}  // namespace buildtest
