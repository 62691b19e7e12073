#pragma once
// The loader's options with every path made absolute, so that a supervisor (whose working
// directory is /) or a later reload after a `cd` loads the same files.
#include "orchestrator/load/options.hpp"

namespace stk::cli {

struct GlobalOptions;

load::LoadOptions absolute_load_options(const GlobalOptions& global);

}  // namespace stk::cli
