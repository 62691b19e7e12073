#include "orchestrator/load/interpolate.hpp"

namespace stk::load {
namespace {

bool name_start(char c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }

// Index of the `}` closing a `${` whose content starts at `from`, honouring nested `${...}`.
size_t matching_brace(std::string_view text, size_t from) {
    int depth = 1;
    for (size_t i = from; i < text.size(); ++i) {
        if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '$') {
            ++i;
        } else if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{') {
            ++depth;
            ++i;
        } else if (text[i] == '}') {
            if (--depth == 0) return i;
        }
    }
    return std::string_view::npos;
}

class Substituter {
public:
    Substituter(const VariableLookup& lookup, std::set<std::string>& unset)
        : lookup_(lookup), unset_(unset) {}

    std::string run(std::string_view text, int depth) {
        if (depth > 64) throw InvalidTemplate();
        std::string out;
        out.reserve(text.size());
        for (size_t i = 0; i < text.size(); ++i) {
            char c = text[i];
            if (c != '$') {
                out += c;
                continue;
            }
            if (i + 1 >= text.size()) throw InvalidTemplate();
            char n = text[i + 1];
            if (n == '$') {
                out += '$';
                ++i;
            } else if (name_start(n)) {
                size_t end = i + 1;
                while (end < text.size() && name_char(text[end])) ++end;
                out += value_of(std::string(text.substr(i + 1, end - i - 1)));
                i = end - 1;
            } else if (n == '{') {
                size_t close = matching_brace(text, i + 2);
                if (close == std::string_view::npos) throw InvalidTemplate();
                out += braced(text.substr(i + 2, close - i - 2), depth);
                i = close;
            } else {
                throw InvalidTemplate();
            }
        }
        return out;
    }

private:
    std::string value_of(const std::string& name) {
        auto v = lookup_(name);
        if (v) return *v;
        unset_.insert(name);
        return {};
    }

    std::string braced(std::string_view body, int depth) {
        size_t end = 0;
        if (body.empty() || !name_start(body[0])) throw InvalidTemplate();
        while (end < body.size() && name_char(body[end])) ++end;
        std::string name(body.substr(0, end));
        if (end == body.size()) return value_of(name);

        bool colon = body[end] == ':';
        size_t op_at = colon ? end + 1 : end;
        if (op_at >= body.size()) throw InvalidTemplate();
        char op = body[op_at];
        if (op != '-' && op != '?' && op != '+') throw InvalidTemplate();
        std::string_view arg = body.substr(op_at + 1);

        auto v = lookup_(name);
        bool usable = v && (!colon || !v->empty());  // ":" forms treat empty like unset
        switch (op) {
            case '-':
                return usable ? *v : run(arg, depth + 1);
            case '+':
                return usable ? run(arg, depth + 1) : std::string();
            default: {  // '?'
                if (usable) return *v;
                std::string msg = "required variable " + name + " is missing a value";
                std::string detail = run(arg, depth + 1);
                if (!detail.empty()) msg += ": " + detail;
                throw MissingRequired(msg);
            }
        }
    }

    const VariableLookup& lookup_;
    std::set<std::string>& unset_;
};

void walk(Node& node, const std::string& path, const VariableLookup& lookup, Diagnostics& diags,
          std::set<std::string>& warned) {
    switch (node.kind) {
        case NodeKind::Scalar: {
            if (node.scalar.find('$') == std::string::npos) return;
            std::set<std::string> unset;
            try {
                node.scalar = substitute(node.scalar, lookup, unset);
            } catch (const InvalidTemplate&) {
                diags.error(node.loc, "",
                            "invalid interpolation format for " + path + ": \"" + node.scalar +
                                "\"",
                            "you may need to escape any $ with another $: use $$ for a literal $");
                return;
            } catch (const MissingRequired& e) {
                diags.error(node.loc, path, e.what());
                return;
            }
            for (const auto& name : unset) {
                if (!warned.insert(name).second) continue;
                diags.warning(node.loc, "",
                              "The \"" + name +
                                  "\" variable is not set. Defaulting to a blank string.");
            }
            return;
        }
        case NodeKind::Sequence:
            for (size_t i = 0; i < node.items.size(); ++i)
                walk(node.items[i], path + "[" + std::to_string(i) + "]", lookup, diags, warned);
            return;
        case NodeKind::Mapping:
            for (auto& e : node.entries)
                walk(e.value, path.empty() ? e.key : path + "." + e.key, lookup, diags, warned);
            return;
        case NodeKind::Null:
            return;
    }
}

}  // namespace

std::string substitute(std::string_view text, const VariableLookup& lookup,
                       std::set<std::string>& unset) {
    return Substituter(lookup, unset).run(text, 0);
}

void interpolate_tree(Node& root, const Environment& env, Diagnostics& diags,
                      std::set<std::string>& warned) {
    VariableLookup lookup = [&env](const std::string& name) -> std::optional<std::string> {
        auto it = env.find(name);
        if (it == env.end()) return std::nullopt;
        return it->second;
    };
    walk(root, "", lookup, diags, warned);
}

}  // namespace stk::load
