#include "orchestrator/export/k8s/context.hpp"

#include <fmt/format.h>

namespace stk::k8s {

void ExportContext::refuse(const std::string& service, const std::string& key, const std::string& why) {
    refusals.push_back(fmt::format("service \"{}\": {}: {}", service, key, why));
}

nlohmann::json ExportContext::selector_labels(const ServiceShape& shape) const {
    return {{kNameLabel, shape.name}, {kPartOfLabel, label_value(project.name)}};
}

nlohmann::json ExportContext::metadata(const std::string& name, const ServiceShape* shape) const {
    nlohmann::json labels = shape ? selector_labels(*shape)
                                  : nlohmann::json{{kPartOfLabel, label_value(project.name)}};
    labels["app.kubernetes.io/managed-by"] = "stack";
    return {{"name", name}, {"labels", labels}};
}

std::string ExportContext::job_reader_name() const {
    return dns1035_label(project.name + "-job-reader");
}

std::string ExportContext::namespace_or_default() const {
    return options.namespace_name.empty() ? "default" : options.namespace_name;
}

std::string escape_var_refs(const std::string& text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '$' && i + 1 < text.size() && (text[i + 1] == '(' || text[i + 1] == '$'))
            out += '$';
        out += text[i];
    }
    return out;
}

}  // namespace stk::k8s
