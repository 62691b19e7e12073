// The fixture stack (tests/fixtures/k8s) exported, printed as YAML, parsed back, and each
// mapped key checked structurally.
#include <catch2/catch.hpp>

#include <algorithm>

#include "orchestrator/export/k8s/resources.hpp"
#include "tests/unit/export/export_fixture.hpp"

using namespace export_test;

namespace {

const json& find_named(const json& list, const std::string& name) {
    for (const auto& i : list)
        if (i["name"] == name) return i;
    FAIL("nothing named " << name << " in " << list.dump());
    static const json none;
    return none;
}

std::string env_value(const json& c, const std::string& name) {
    for (const auto& e : c.value("env", json::array()))
        if (e["name"] == name) return e["value"];
    return "<unset>";
}

}  // namespace

TEST_CASE("k8s export: the YAML text parses back to the same objects, byte-identical on every run") {
    auto a = export_file(kFixture);
    auto b = export_file(kFixture);
    std::string text = stk::k8s::to_yaml_stream(a.objects);
    CHECK(text == stk::k8s::to_yaml_stream(b.objects));
    CHECK(a.report == b.report);
    auto docs = parse_stream(text);
    REQUIRE(docs.size() == a.objects.size());
    for (size_t i = 0; i < docs.size(); ++i) CHECK(docs[i] == a.objects[i]);
    // Apply order: what is referenced comes before what references it.
    auto rank = [&](const std::string& kind) {
        return std::find_if(docs.begin(), docs.end(), [&](const json& d) { return d["kind"] == kind; }) - docs.begin();
    };
    CHECK(rank("ConfigMap") < rank("Deployment"));
    CHECK(rank("PersistentVolumeClaim") < rank("Deployment"));
    CHECK(rank("Service") < rank("Deployment"));
}

TEST_CASE("k8s export: web_front is web-front in every name, label, selector and reference") {
    auto docs = exported();
    const json& svc = object(docs, "Service", "web-front");
    const json& dep = object(docs, "Deployment", "web-front");
    json labels = {{"app.kubernetes.io/name", "web-front"}, {"app.kubernetes.io/part-of", "shop"}};
    CHECK(svc["spec"]["selector"] == labels);
    CHECK(dep["spec"]["selector"]["matchLabels"] == labels);
    CHECK(dep["spec"]["template"]["metadata"]["labels"] == labels);
    CHECK(container(dep)["name"] == "web-front");
    CHECK(dep["metadata"]["labels"]["app.kubernetes.io/name"] == "web-front");
    CHECK_FALSE(has_object(docs, "Deployment", "web_front"));
    // Every object of the stack carries the project label.
    for (const auto& d : docs) CHECK(d["metadata"]["labels"]["app.kubernetes.io/part-of"] == "shop");
}

TEST_CASE("k8s export: restart policies choose Deployment or Job, with backoffLimit and replicas") {
    auto docs = exported();
    const json& web = object(docs, "Deployment", "web-front");
    CHECK(web["spec"]["replicas"] == 2);
    CHECK(pod_spec(web)["restartPolicy"] == "Always");
    CHECK(pod_spec(object(docs, "Deployment", "api"))["restartPolicy"] == "Always");  // unless-stopped

    const json& migrate = object(docs, "Job", "migrate");  // on-failure:3
    CHECK(migrate["apiVersion"] == "batch/v1");
    CHECK(migrate["spec"]["backoffLimit"] == 3);
    CHECK(pod_spec(migrate)["restartPolicy"] == "OnFailure");
    CHECK_FALSE(migrate["spec"].contains("selector"));

    const json& worker = object(docs, "Job", "worker");  // no, scale 2
    CHECK(worker["spec"]["backoffLimit"] == 0);
    CHECK(pod_spec(worker)["restartPolicy"] == "Never");
    CHECK(worker["spec"]["completions"] == 2);
    CHECK(worker["spec"]["parallelism"] == 2);
    // Service links would add variables the stack never had.
    CHECK(pod_spec(web)["enableServiceLinks"] == false);
}

TEST_CASE("k8s export: healthchecks become readiness, liveness and startup probes") {
    auto docs = exported();
    const json& web = container(object(docs, "Deployment", "web-front"));
    json shell = {"/bin/sh", "-c", "wget -q -O /dev/null http://localhost/ || exit 1"};
    for (const char* p : {"readinessProbe", "livenessProbe"}) {
        INFO(p);
        CHECK(web[p]["exec"]["command"] == shell);
        CHECK(web[p]["periodSeconds"] == 10);
        CHECK(web[p]["timeoutSeconds"] == 3);
        CHECK(web[p]["failureThreshold"] == 5);
    }
    CHECK(web["startupProbe"]["periodSeconds"] == 2);       // start_interval
    CHECK(web["startupProbe"]["failureThreshold"] == 10);   // start_period 20s / 2s

    const json& api = container(object(docs, "Deployment", "api"));  // x-stack http probe
    CHECK(api["readinessProbe"]["httpGet"] == json{{"path", "/health"}, {"port", 3000}, {"scheme", "HTTP"}});
    CHECK(api["livenessProbe"]["periodSeconds"] == 30);  // docker's default interval
    CHECK_FALSE(api.contains("startupProbe"));
    const json& db = container(object(docs, "Deployment", "db"));  // x-stack tcp probe
    CHECK(db["readinessProbe"]["tcpSocket"]["port"] == 5432);
    CHECK_FALSE(container(object(docs, "Job", "worker")).contains("readinessProbe"));
}

TEST_CASE("k8s export: depends_on becomes init containers waiting for the Service or the Job") {
    auto docs = exported();
    const json& web = pod_spec(object(docs, "Deployment", "web-front"));
    const json& wait_api = find_named(web["initContainers"], "wait-api");
    CHECK(wait_api["command"][2].get<std::string>().find("nc -z -w 2 api 3000") != std::string::npos);
    const json& wait_job = find_named(web["initContainers"], "wait-migrate");
    CHECK(wait_job["command"] == json{"kubectl", "wait", "--for=condition=complete", "--timeout=-1s", "job/migrate"});
    CHECK(web["serviceAccountName"] == "shop-job-reader");
    CHECK(has_object(docs, "ServiceAccount", "shop-job-reader"));
    const json& binding = object(docs, "RoleBinding", "shop-job-reader");
    CHECK(binding["roleRef"]["name"] == "shop-job-reader");
    CHECK(object(docs, "Role", "shop-job-reader")["rules"][0]["resources"] == json{"jobs"});

    // db publishes nothing but exposes 5432: its Service answers there.
    const json& api = pod_spec(object(docs, "Deployment", "api"));
    CHECK(find_named(api["initContainers"], "wait-db")["command"][2].get<std::string>().find("nc -z -w 2 db 5432") !=
          std::string::npos);
    CHECK_FALSE(api.contains("serviceAccountName"));
    CHECK_FALSE(pod_spec(object(docs, "Deployment", "db")).contains("initContainers"));
}

TEST_CASE("k8s export: ports become named container and Service ports, no ports, a headless Service") {
    auto docs = exported();
    const json& svc = object(docs, "Service", "web-front");
    REQUIRE(svc["spec"]["ports"].size() == 2);
    const json& p8080 = find_named(svc["spec"]["ports"], "tcp-8080");
    CHECK(p8080["port"] == 8080);
    CHECK(p8080["targetPort"] == "tcp-8080");
    CHECK(find_named(svc["spec"]["ports"], "tcp-8443")["port"] == 8443);
    const json& ports = container(object(docs, "Deployment", "web-front"))["ports"];
    CHECK(find_named(ports, "tcp-8080")["containerPort"] == 80);
    CHECK(find_named(ports, "tcp-8443")["containerPort"] == 443);

    const json& api = object(docs, "Service", "api");  // "3000": one port, no name needed
    REQUIRE(api["spec"]["ports"].size() == 1);
    CHECK(api["spec"]["ports"][0] == json{{"port", 3000}, {"protocol", "TCP"}, {"targetPort", 3000}});
    CHECK(object(docs, "Service", "db")["spec"]["ports"][0]["port"] == 5432);  // expose

    const json& worker = object(docs, "Service", "worker");
    CHECK(worker["spec"]["clusterIP"] == "None");
    CHECK_FALSE(worker["spec"].contains("ports"));
}

TEST_CASE("k8s export: environment, env_file ConfigMap, Secret and config files") {
    auto docs = exported();
    const json& api = container(object(docs, "Deployment", "api"));
    CHECK(env_value(api, "LOG_LEVEL") == "debug");  // environment wins over env_file
    CHECK(env_value(api, "DB_HOST") == "db");
    CHECK(env_value(api, "API_TOKEN") == "<unset>");  // comes through the ConfigMap
    CHECK(api["envFrom"] == json::array({{{"configMapRef", {{"name", "api-env"}}}}}));
    CHECK(object(docs, "ConfigMap", "api-env")["data"] == json{{"API_TOKEN", "from-env-file"}});

    const json& secret = object(docs, "Secret", "db-password");
    CHECK(secret["data"]["db_password"] == "czNjcmV0LXB3Cg==");  // base64 of "s3cret-pw\n"
    const json& db = object(docs, "Deployment", "db");
    const json& mount = find_named(container(db)["volumeMounts"], "secret-db-password");
    CHECK(mount["mountPath"] == "/run/secrets/db_password");
    CHECK(mount["subPath"] == "db_password");
    CHECK(mount["readOnly"] == true);
    const json& vol = find_named(pod_spec(db)["volumes"], "secret-db-password");
    CHECK(vol["secret"]["secretName"] == "db-password");
    CHECK(vol["secret"]["items"][0]["mode"] == 0400);

    const json& conf = object(docs, "ConfigMap", "nginx-conf");
    CHECK(conf["data"]["nginx_conf"].get<std::string>().find("proxy_pass http://api:3000") != std::string::npos);
    const json& web = object(docs, "Deployment", "web-front");
    CHECK(find_named(container(web)["volumeMounts"], "config-nginx-conf")["mountPath"] ==
          "/etc/nginx/conf.d/default.conf");
}

TEST_CASE("k8s export: command, entrypoint, working_dir, user, capabilities, read_only, privileged") {
    auto docs = exported();
    const json& api = container(object(docs, "Deployment", "api"));
    CHECK(api["command"] == json{"/app/api"});
    // "$$" in the stack file is a literal '$'; Kubernetes would expand $(...) unless doubled.
    CHECK(api["args"] == json{"serve", "--port", "3000", "--greeting", "$$(not a k8s variable)"});
    CHECK(api["workingDir"] == "/app");
    CHECK(api["securityContext"]["runAsUser"] == 1000);
    CHECK(api["securityContext"]["runAsGroup"] == 1000);
    const json& web = container(object(docs, "Deployment", "web-front"));
    CHECK(web["securityContext"]["capabilities"]["drop"] == json{"ALL"});
    CHECK(web["securityContext"]["capabilities"]["add"] == json{"NET_BIND_SERVICE", "CHOWN"});
    CHECK(web["securityContext"]["readOnlyRootFilesystem"] == true);
    CHECK(container(object(docs, "Job", "worker"))["securityContext"]["privileged"] == true);
    CHECK(pod_spec(object(docs, "Job", "worker"))["hostname"] == "worker");
    CHECK(pod_spec(object(docs, "Deployment", "db"))["terminationGracePeriodSeconds"] == 90);
    CHECK(object(docs, "Deployment", "web-front")["spec"]["template"]["metadata"]["annotations"] ==
          json{{"com.example.tier", "frontend"}});
}

TEST_CASE("k8s export: cpus and memory become limits and requests") {
    auto docs = exported();
    const json& web = container(object(docs, "Deployment", "web-front"));
    CHECK(web["resources"] == json{{"limits", {{"cpu", "500m"}, {"memory", "128Mi"}}}});
    const json& api = container(object(docs, "Deployment", "api"));
    CHECK(api["resources"]["limits"] == json{{"cpu", "1500m"}, {"memory", "256Mi"}});
    CHECK(api["resources"]["requests"] == json{{"cpu", "250m"}, {"memory", "64Mi"}});
    CHECK(stk::k8s::cpu_quantity(2) == "2");
    CHECK(stk::k8s::memory_quantity(1000) == "1000");
}

TEST_CASE("k8s export: named volumes become claims, tmpfs and shm memory emptyDirs") {
    auto docs = exported();
    const json& pvc = object(docs, "PersistentVolumeClaim", "db-data");
    CHECK(pvc["spec"]["accessModes"] == json{"ReadWriteOnce"});
    CHECK(pvc["spec"]["resources"]["requests"]["storage"] == "1Gi");
    CHECK(has_object(docs, "PersistentVolumeClaim", "uploads"));
    const json& db = object(docs, "Deployment", "db");
    CHECK(find_named(pod_spec(db)["volumes"], "db-data")["persistentVolumeClaim"]["claimName"] == "db-data");
    CHECK(find_named(container(db)["volumeMounts"], "db-data")["mountPath"] == "/var/lib/postgresql/data");
    CHECK(db["spec"]["strategy"]["type"] == "Recreate");  // a ReadWriteOnce claim
    CHECK(find_named(pod_spec(db)["volumes"], "shm")["emptyDir"] == json{{"medium", "Memory"}, {"sizeLimit", "128Mi"}});

    const json& web = object(docs, "Deployment", "web-front");
    CHECK(find_named(pod_spec(web)["volumes"], "tmpfs")["emptyDir"] == json{{"medium", "Memory"}, {"sizeLimit", "64Mi"}});
    CHECK(find_named(container(web)["volumeMounts"], "tmpfs")["mountPath"] == "/var/cache/nginx");
    const json& worker = object(docs, "Job", "worker");
    CHECK(find_named(pod_spec(worker)["volumes"], "tmpfs")["emptyDir"]["sizeLimit"] == "16Mi");
}

TEST_CASE("k8s export: the report names each approximated or dropped service key") {
    auto m = export_file(kFixture);
    auto has = [&](const std::string& prefix) {
        return std::any_of(m.report.begin(), m.report.end(), [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
    };
    CHECK(has("approximated: service \"web_front\": name: Kubernetes name \"web-front\""));
    CHECK(has("approximated: service \"web_front\": healthcheck: the liveness probe restarts"));
    CHECK(has("approximated: service \"web_front\": depends_on.migrate: an init container waits with kubectl"));
    CHECK(has("approximated: service \"api\": ports[0]: no published port"));
    CHECK(has("approximated: service \"api\": build: the cluster pulls example/api:1.0"));
    CHECK(has("dropped: service \"worker\": x-stack.rootfs"));
    CHECK(has("dropped: project: networks: every pod of the namespace reaches every other"));
}
