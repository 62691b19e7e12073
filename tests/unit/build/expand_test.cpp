#include "image/build/dockerfile/expand.hpp"

#include <catch2/catch.hpp>

#include "runtime/sys/error.hpp"

using namespace stk::build;

TEST_CASE("expand: docker's substitutions and quoting", "[expand]") {
    VarMap v{{"A", "alpha"}, {"E", ""}, {"S", "x y"}};
    CHECK(expand_word("$A", v) == "alpha");
    CHECK(expand_word("${A}-b", v) == "alpha-b");
    CHECK(expand_word("${MISSING}", v) == "");
    CHECK(expand_word("${MISSING:-def}", v) == "def");
    CHECK(expand_word("${E:-def}", v) == "def");
    CHECK(expand_word("${E-def}", v) == "");
    CHECK(expand_word("${A:+set}", v) == "set");
    CHECK(expand_word("${E:+set}", v) == "");
    CHECK(expand_word("${E+set}", v) == "set");
    CHECK(expand_word("${MISSING:-$A/x}", v) == "alpha/x");
    CHECK(expand_word("'$A'", v) == "$A");
    CHECK(expand_word("\"$A b\"", v) == "alpha b");
    CHECK(expand_word("\\$A", v) == "$A");
    CHECK(expand_word("\"\\$A\"", v) == "$A");
    CHECK(expand_word("a$", v) == "a$");
    CHECK(expand_word("`$A", v, '`') == "$A");
    CHECK_THROWS_WITH(expand_word("${MISSING:?needs a value}", v), "MISSING: needs a value");
    CHECK_THROWS_AS(expand_word("${A", v), stk::Error);
    CHECK_THROWS_AS(expand_word("\"open", v), stk::Error);
}

TEST_CASE("expand: words split at unquoted whitespace, also inside values", "[expand]") {
    VarMap v{{"S", "x y"}};
    CHECK(expand_words("a $S \"$S\" 'c d'", v) ==
          std::vector<std::string>{"a", "x", "y", "x y", "c d"});
    CHECK(expand_words("  ", v).empty());
}
