#include "image/build/builder/heredoc_sources.hpp"

#include <fmt/format.h>

#include "runtime/sys/file_util.hpp"

namespace stk::build {
namespace fs = std::filesystem;

std::unique_ptr<SourceTree> heredoc_sources(const Instruction& ins,
                                            std::vector<std::string>& sources, const VarMap& vars,
                                            char escape, const fs::path& dir) {
    if (ins.has_flag("from")) throw Error("heredoc sources cannot be combined with --from");
    fs::create_directories(dir);
    size_t next = 0;
    for (size_t k = 0; k < sources.size(); ++k) {
        std::string name;
        if (k >= ins.args.size() || !is_heredoc_word(ins.args[k], name))
            throw Error(
                fmt::format("\"{}\": heredoc and other sources cannot be mixed in one "
                            "instruction",
                            sources[k]));
        const Heredoc& doc = ins.heredocs.at(next++);
        std::string content = doc.expand ? expand_heredoc(doc.content, vars, escape) : doc.content;
        write_file_atomic(dir / doc.name, content);
        fs::permissions(dir / doc.name, fs::perms(0644));
        sources[k] = doc.name;
    }
    return std::make_unique<ContextTree>(dir, IgnoreMatcher());
}

}  // namespace stk::build
