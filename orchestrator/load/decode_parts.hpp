#pragma once
// Decoders for the parts of a service (internal to the loader).
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/load/decode_reader.hpp"
#include "orchestrator/model/project.hpp"

namespace stk::load {

std::optional<model::CommandLine> decode_command(DecodeContext& ctx, const Node& n,
                                                 const std::string& path);
std::vector<model::PortMapping> decode_ports(DecodeContext& ctx, const Node& n,
                                             const std::string& path);
std::vector<model::VolumeMount> decode_volumes(DecodeContext& ctx, const Node& n,
                                               const std::string& path);
std::map<std::string, model::DependsOn> decode_depends_on(DecodeContext& ctx, const Node& n,
                                                          const std::string& path);
std::optional<model::Healthcheck> decode_healthcheck(DecodeContext& ctx, const Node& n,
                                                     const std::string& path);
std::map<std::string, model::Ulimit> decode_ulimits(DecodeContext& ctx, const Node& n,
                                                    const std::string& path);
std::map<std::string, model::ServiceNetwork> decode_service_networks(DecodeContext& ctx,
                                                                     const Node& n,
                                                                     const std::string& path);
std::vector<model::FileReference> decode_file_refs(DecodeContext& ctx, const Node& n,
                                                   const std::string& path);
std::vector<model::DeviceMapping> decode_devices(DecodeContext& ctx, const Node& n,
                                                 const std::string& path);
std::vector<model::EnvFile> decode_env_file(DecodeContext& ctx, const Node& n,
                                            const std::string& path);
std::map<std::string, std::vector<std::string>> decode_extra_hosts(DecodeContext& ctx,
                                                                   const Node& n,
                                                                   const std::string& path);
std::vector<model::DeviceRequest> decode_device_requests(DecodeContext& ctx, const Node& n,
                                                         const std::string& path);
std::optional<model::Deploy> decode_deploy(DecodeContext& ctx, const Node& n,
                                           const std::string& path);
std::optional<model::Build> decode_build(DecodeContext& ctx, const Node& n,
                                         const std::string& path);
std::optional<model::BlkioConfig> decode_blkio(DecodeContext& ctx, const Node& n,
                                               const std::string& path);
std::optional<model::Develop> decode_develop(DecodeContext& ctx, const Node& n,
                                             const std::string& path);
std::vector<model::ServiceHook> decode_hooks(DecodeContext& ctx, const Node& n,
                                             const std::string& path);

model::Service decode_service(DecodeContext& ctx, const std::string& name, const Node& n,
                              const std::string& path);

}  // namespace stk::load
