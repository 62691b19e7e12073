// What the export refuses (with the service and key named), how names are made valid and kept
// apart, and the options (--pvc-size, --allow-hostpath, --network-policies, --namespace).
#include <catch2/catch.hpp>

#include "orchestrator/export/k8s/naming.hpp"
#include "tests/unit/export/export_fixture.hpp"

using namespace export_test;
using stk::load::testing::TempDir;

namespace {

std::string stack_file(const TempDir& dir, const std::string& services) {
    return dir.write("compose.yaml", "name: t\nservices:\n" + services).string();
}

}  // namespace

TEST_CASE("k8s export refuses bind mounts unless --allow-hostpath, then writes hostPath") {
    TempDir dir;
    dir.write("site/index.html", "hi\n");
    auto file = stack_file(dir, "  app:\n    image: busybox:1.36\n    restart: always\n"
                                "    volumes: [\"./site:/srv:ro\"]\n");
    std::string err = export_error(file);
    CHECK(err.find("service \"app\": volumes[0] (bind /srv)") != std::string::npos);
    CHECK(err.find("--allow-hostpath") != std::string::npos);

    stk::k8s::ExportOptions o;
    o.allow_hostpath = true;
    auto docs = exported(file, o);
    const json& vol = pod_spec(object(docs, "Deployment", "app"))["volumes"][0];
    CHECK(vol["hostPath"] == json{{"path", (dir.path() / "site").string()}, {"type", "DirectoryOrCreate"}});
    CHECK(container(object(docs, "Deployment", "app"))["volumeMounts"][0]["readOnly"] == true);
}

TEST_CASE("k8s export refuses a build without image and an x-stack rootfs, listing every refusal") {
    TempDir dir;
    dir.write("rootfs/bin/.keep", "");
    auto file = stack_file(dir, "  built:\n    build: .\n"
                                "  hosted:\n    x-stack: {rootfs: host}\n"
                                "  dir:\n    x-stack: {rootfs: ./rootfs}\n");
    std::string err = export_error(file);
    CHECK(err.find("service \"built\": build: the cluster cannot build") != std::string::npos);
    CHECK(err.find("service \"hosted\": x-stack.rootfs: \"host\"") != std::string::npos);
    CHECK(err.find("service \"dir\": x-stack.rootfs:") != std::string::npos);
}

TEST_CASE("k8s export refuses two services that become the same Kubernetes name") {
    TempDir dir;
    auto file = stack_file(dir, "  a_b:\n    image: busybox:1.36\n  a.b:\n    image: busybox:1.36\n");
    std::string err = export_error(file);
    CHECK(err.find("service \"a.b\" and service \"a_b\" both become the Service name \"a-b\"") != std::string::npos);
}

TEST_CASE("k8s names: DNS-1035 labels, length limits with a hash suffix, port names") {
    using namespace stk::k8s;
    CHECK(dns1035_label("web_front") == "web-front");
    CHECK(dns1035_label("Web..Front__") == "web-front");
    CHECK(dns1035_label("1st") == "s-1st");
    std::string a(80, 'a'), b = a + "b";
    std::string na = dns1035_label(a), nb = dns1035_label(b);
    CHECK(na.size() == 63);
    CHECK(nb.size() == 63);
    CHECK(na != nb);
    CHECK(is_dns1035_label(na));
    CHECK(port_name("8080") == "p-8080");
    CHECK(port_name("metrics-endpoint-http") .size() <= 15);
    CHECK(is_qualified_name("com.example/tier"));
    CHECK_FALSE(is_qualified_name("bad key"));
    CHECK(label_value("my project!") == "my-project");
}

TEST_CASE("k8s export: a long service name is cut the same way in every reference") {
    TempDir dir;
    std::string longname(70, 'x');
    auto file = stack_file(dir, "  " + longname + ":\n    image: busybox:1.36\n    restart: always\n"
                                "  client:\n    image: busybox:1.36\n    restart: always\n"
                                "    depends_on: [" + longname + "]\n");
    auto docs = exported(file);
    std::string name = stk::k8s::dns1035_label(longname);
    REQUIRE(name.size() == 63);
    const json& dep = object(docs, "Deployment", name);
    CHECK(dep["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"] == name);
    CHECK(object(docs, "Service", name)["spec"]["selector"]["app.kubernetes.io/name"] == name);
    const json& init = pod_spec(object(docs, "Deployment", "client"))["initContainers"][0];
    CHECK(init["command"][2].get<std::string>().find("nslookup " + name + " ") != std::string::npos);
    CHECK(init["name"].get<std::string>().size() <= 63);
}

TEST_CASE("k8s export options: --pvc-size, --namespace, --network-policies") {
    stk::k8s::ExportOptions o;
    o.pvc_size = "5Gi";
    o.namespace_name = "shop-prod";
    o.network_policies = true;
    auto docs = exported(kFixture, o);
    CHECK(docs.front()["kind"] == "Namespace");
    CHECK(docs.front()["metadata"]["name"] == "shop-prod");
    for (const auto& d : docs)
        if (d["kind"] != "Namespace") CHECK(d["metadata"]["namespace"] == "shop-prod");
    CHECK(object(docs, "PersistentVolumeClaim", "db-data")["spec"]["resources"]["requests"]["storage"] == "5Gi");
    CHECK(object(docs, "RoleBinding", "shop-job-reader")["subjects"][0]["namespace"] == "shop-prod");

    const json& back = object(docs, "NetworkPolicy", "net-back");
    json members = back["spec"]["podSelector"]["matchExpressions"][0]["values"];
    CHECK(members == json{"api", "db", "migrate", "worker"});
    CHECK(back["spec"]["ingress"][0]["from"][0]["podSelector"] == back["spec"]["podSelector"]);
    CHECK(object(docs, "NetworkPolicy", "net-front")["spec"]["podSelector"]["matchExpressions"][0]["values"] ==
          json{"api", "web-front"});
    const json& published = object(docs, "NetworkPolicy", "web-front-published");
    CHECK(published["spec"]["ingress"][0]["ports"].size() == 2);
    CHECK_FALSE(published["spec"]["ingress"][0].contains("from"));  // from anywhere, as a host port

    stk::k8s::ExportOptions bad;
    bad.pvc_size = "lots";
    CHECK(export_error(kFixture, bad).find("--pvc-size \"lots\"") != std::string::npos);
    bad = {};
    bad.namespace_name = "Shop_Prod";
    CHECK(export_error(kFixture, bad).find("--namespace \"Shop_Prod\"") != std::string::npos);
}
