#include <catch2/catch.hpp>

#include "orchestrator/load/interpolate.hpp"
#include "orchestrator/load/resolve.hpp"

using namespace stk::load;

namespace {

std::string sub(const std::string& text, const Environment& env, std::set<std::string>* unset_out = nullptr) {
    std::set<std::string> unset;
    VariableLookup lk = [&](const std::string& k) -> std::optional<std::string> {
        auto it = env.find(k);
        if (it == env.end()) return std::nullopt;
        return it->second;
    };
    auto out = substitute(text, lk, unset);
    if (unset_out) *unset_out = unset;
    return out;
}

const Environment kEnv{{"SET", "value"}, {"EMPTY", ""}, {"B", "bee"}};

}  // namespace

TEST_CASE("interpolate: $VAR and ${VAR}") {
    CHECK(sub("a $SET b", kEnv) == "a value b");
    CHECK(sub("a ${SET}b", kEnv) == "a valueb");
    CHECK(sub("x$EMPTY-y", kEnv) == "x-y");
    std::set<std::string> unset;
    CHECK(sub("<$NOPE>${NOPE2}", kEnv, &unset) == "<>");
    CHECK(unset == std::set<std::string>{"NOPE", "NOPE2"});
    CHECK(sub("$SET_1", {{"SET_1", "one"}}) == "one");
    CHECK(sub("$SET.x", kEnv) == "value.x");
}

TEST_CASE("interpolate: ${VAR:-default} set, empty, unset") {
    std::set<std::string> unset;
    CHECK(sub("${SET:-d}", kEnv) == "value");
    CHECK(sub("${EMPTY:-d}", kEnv) == "d");
    CHECK(sub("${NOPE:-d}", kEnv, &unset) == "d");
    CHECK(unset.empty());
}

TEST_CASE("interpolate: ${VAR-default} set, empty, unset") {
    CHECK(sub("${SET-d}", kEnv) == "value");
    CHECK(sub("${EMPTY-d}", kEnv) == "");
    CHECK(sub("${NOPE-d}", kEnv) == "d");
}

TEST_CASE("interpolate: ${VAR:?err} set, empty, unset") {
    CHECK(sub("${SET:?boom}", kEnv) == "value");
    CHECK_THROWS_WITH(sub("${EMPTY:?boom}", kEnv),
                      "required variable EMPTY is missing a value: boom");
    CHECK_THROWS_WITH(sub("${NOPE:?boom}", kEnv),
                      "required variable NOPE is missing a value: boom");
    CHECK_THROWS_WITH(sub("${NOPE:?}", kEnv), "required variable NOPE is missing a value");
}

TEST_CASE("interpolate: ${VAR?err} set, empty, unset") {
    CHECK(sub("${SET?boom}", kEnv) == "value");
    CHECK(sub("${EMPTY?boom}", kEnv) == "");
    CHECK_THROWS_AS(sub("${NOPE?boom}", kEnv), MissingRequired);
}

TEST_CASE("interpolate: ${VAR:+alt} set, empty, unset") {
    CHECK(sub("${SET:+alt}", kEnv) == "alt");
    CHECK(sub("${EMPTY:+alt}", kEnv) == "");
    CHECK(sub("${NOPE:+alt}", kEnv) == "");
}

TEST_CASE("interpolate: ${VAR+alt} set, empty, unset") {
    CHECK(sub("${SET+alt}", kEnv) == "alt");
    CHECK(sub("${EMPTY+alt}", kEnv) == "alt");
    CHECK(sub("${NOPE+alt}", kEnv) == "");
}

TEST_CASE("interpolate: nesting in defaults and alternatives, evaluated lazily") {
    std::set<std::string> unset;
    CHECK(sub("${NOPE:-${B}}", kEnv) == "bee");
    CHECK(sub("${NOPE:-${ALSO:-${B}-x}}", kEnv) == "bee-x");
    CHECK(sub("${SET:-${UNSEEN}}", kEnv, &unset) == "value");
    CHECK(unset.empty());
    CHECK(sub("${SET:+[${B}]}", kEnv) == "[bee]");
    CHECK(sub("${NOPE:-a}}", kEnv) == "a}");
}

TEST_CASE("interpolate: $$ is a literal dollar") {
    CHECK(sub("pa$$word", kEnv) == "pa$word");
    CHECK(sub("$${SET}", kEnv) == "${SET}");
    CHECK(sub("$$$SET", kEnv) == "$value");
    CHECK(sub("${NOPE:-$$}", kEnv) == "$");
}

TEST_CASE("interpolate: invalid syntax throws") {
    for (const char* bad : {"${", "${A:x}", "pa$(s", "$", "a $ b", "${}", "${1A}", "${A", "${A:}"})
        CHECK_THROWS_AS(sub(bad, kEnv), InvalidTemplate);
}

TEST_CASE("interpolate: tree errors carry file:line:col and the field path") {
    Node root = parse_yaml("services:\n  web:\n    environment:\n      PW: \"pa$(s\"\n",
                           "compose.yaml");
    Diagnostics diags;
    std::set<std::string> warned;
    interpolate_tree(root, {}, diags, warned);
    REQUIRE(diags.errors().size() == 1);
    CHECK(diags.errors()[0].to_string().rfind(
              "compose.yaml:4:11: invalid interpolation format for services.web.environment.PW: "
              "\"pa$(s\"",
              0) == 0);
    CHECK(diags.errors()[0].hint.find("$$") != std::string::npos);
}

TEST_CASE("interpolate: required variable error location") {
    Node root = parse_yaml("services:\n  web:\n    image: ${IMG:?set IMG}\n", "c.yaml");
    Diagnostics diags;
    std::set<std::string> warned;
    interpolate_tree(root, {}, diags, warned);
    REQUIRE(diags.errors().size() == 1);
    CHECK(diags.errors()[0].to_string() ==
          "c.yaml:3:12: services.web.image: required variable IMG is missing a value: set IMG");
}

TEST_CASE("interpolate: values only, never keys, quoted flag kept, one warning per variable") {
    Node root = parse_yaml(
        "services:\n  $KEY:\n    image: \"$X\"\n    command: [$X, $Y]\n", "c.yaml");
    Diagnostics diags;
    std::set<std::string> warned;
    interpolate_tree(root, {{"KEY", "no"}}, diags, warned);
    const Node* svc = root.find("services")->find("$KEY");
    REQUIRE(svc);
    CHECK(svc->find("image")->scalar.empty());
    CHECK(svc->find("image")->quoted);
    REQUIRE(diags.warnings().size() == 2);
    CHECK(diags.warnings()[0].message ==
          "The \"X\" variable is not set. Defaulting to a blank string.");
    CHECK(diags.warnings()[1].message.find("\"Y\"") != std::string::npos);
}
