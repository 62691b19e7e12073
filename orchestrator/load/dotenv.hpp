#pragma once
// Compose's .env format: `#` comments, optional `export ` prefix, `KEY=VALUE`. Unquoted and
// "double-quoted" values are interpolated against `lookup` and the keys defined earlier in the
// file; 'single-quoted' values are literal. `\n`, `\t` escapes only inside double quotes; ` #`
// starts an inline comment only in unquoted values. A bare `KEY` (no `=`) takes its value from
// `lookup` when present and is skipped otherwise.
#include <filesystem>
#include <string>

#include "orchestrator/load/diagnostics.hpp"
#include "orchestrator/load/options.hpp"

namespace stk::load {

// Parses .env text. Errors name `file:line` and are added to `diags` (the bad line is skipped).
Environment parse_dotenv(const std::string& text, const std::string& file,
                         const Environment& lookup, Diagnostics& diags);

// Reads and parses one env file. A file that cannot be read is an error in `diags`.
Environment read_env_file(const std::filesystem::path& path, const Environment& lookup,
                          Diagnostics& diags);

}  // namespace stk::load
