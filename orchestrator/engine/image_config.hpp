#pragma once
// The service as it runs from an image: the image config's defaults under the service's keys,
// with docker's precedence. Pure.
//   entrypoint given            -> it replaces the image Entrypoint and, without `command`,
//                                  clears the image Cmd
//   command given               -> it replaces the image Cmd (the image Entrypoint stays)
//   environment                 -> image Env, then the service's entries over it by name
//   working_dir, user, stop_signal -> the service's, else the image's
//   healthcheck                 -> field by field: the service's test / durations / retries
//                                  win, the image fills the rest; `disable: true` or a
//                                  service test NONE turns it off
//   image Volumes               -> an anonymous volume each, unless the service mounts
//                                  something at that path (created empty: no copy of the
//                                  image's content into it)
//   ExposedPorts, Labels        -> added to `expose` and under the service's labels
#include "image/store/oci_config.hpp"
#include "orchestrator/model/service.hpp"

namespace stk::engine {

model::Service apply_image_config(const model::Service& service, const image::OciImageConfig& config);

}  // namespace stk::engine
