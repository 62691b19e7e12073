#pragma once
// Builds one image from a Dockerfile: stages on threads (a stage waits only for the stages it
// uses), FROM from the local store or scratch, metadata instructions on the config, RUN in a
// container of our runtime, COPY/ADD from the context or another stage, every step cached.
// The result is stored as an OCI image (manifest + config with history) under every tag.
// Nothing half-made is left on failure: no tag, no container, no mount, no staging dir.
#include "image/build/builder/build_request.hpp"
#include "image/store/image_store.hpp"

namespace stk::build {

// Throws BuildFailed for a failing RUN, DockerfileError for a bad Dockerfile (both name
// Dockerfile:line), Error otherwise.
BuildResult build_image(const image::ImageStore& store, const BuildRequest& request, BuildLog& log);

}  // namespace stk::build
