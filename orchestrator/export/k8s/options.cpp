#include "orchestrator/export/k8s/options.hpp"

#include <regex>

#include "orchestrator/export/k8s/naming.hpp"
#include "runtime/sys/error.hpp"

namespace stk::k8s {

void check_options(const ExportOptions& o) {
    static const std::regex quantity("[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?");
    if (!std::regex_match(o.pvc_size, quantity) || std::stod(o.pvc_size) <= 0)
        throw Error(fmt::format("--pvc-size \"{}\": not a storage quantity such as 1Gi or 500Mi",
                                o.pvc_size));
    if (!o.namespace_name.empty() && !is_dns1123_label(o.namespace_name))
        throw Error(fmt::format(
            "--namespace \"{}\": not a valid namespace name (lowercase letters, digits and '-', "
            "at most 63 characters)", o.namespace_name));
    if (o.wait_image.empty() || o.kubectl_image.empty())
        throw Error("the wait and kubectl images must not be empty");
}

}  // namespace stk::k8s
