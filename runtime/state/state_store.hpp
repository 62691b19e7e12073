#pragma once
// state.json under <run_root>/containers/<name>/: what `ps`, `inspect`, `kill`, `exec` and `rm`
// know about a container after its creator has gone. Written atomically (rename).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "runtime/container.hpp"

namespace stk::runtime {

std::filesystem::path container_dir(const std::string& name);
std::filesystem::path state_file(const std::string& name);
// Held (flock) by the process that collects the exit status for as long as it runs.
std::filesystem::path monitor_lock_file(const std::string& name);

// Docker's rule: [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 64 characters. Error otherwise.
void validate_container_name(const std::string& name);

std::string state_to_json(const ContainerState& s);
ContainerState state_from_json(const std::string& text);  // Error on malformed input

void write_state(const ContainerState& s);
std::optional<ContainerState> read_state(const std::string& name);
std::vector<std::string> list_state_names();  // sorted

}  // namespace stk::runtime
