// Standalone driver for the sanitizer test (test/native/sanitize.test.ts): builds the synthetic
// messages of every version and runs the macOS backend logic over the fake ES library through
// start/deliver/stop cycles (refusing some batches, as the hand-off does when JS is behind), with no node in the process, so ASan/UBSan (or TSan) see only our code.
#include <atomic>
#include <cstdio>
#include <mutex>
#include <vector>
#include "synthetic.h"
#include "../src/macos/es_client_set.h"
#include "fake_es.h"

using namespace njes;

#include "check.h"

int main() {
  size_t built = 0;
  for (uint32_t v = 1; v <= 10; v++) built += SyntheticMessages(v).size();
  CHECK(built == 990);  // 99 synthetic messages per version (synthetic.cc)

  for (int round = 0; round < 20; round++) {
    FakeOs os;
    os.selfPid = 999;
    FakeEsApi api(NewClientResult::kSuccess, {"/usr/libexec/watchdogd"}, os);
    std::atomic<size_t> received{0}, refused{0};
    std::atomic<size_t> handoffs{0};
    EsClientSet set(&api, round % 2 ? 4 : 1024, 8, 1, [&](std::vector<EsClientSet::Queued>&& b) {
      // Every third batch is refused, as the hand-off does when JS is behind: still released,
      // and counted in the clients' queueDrops.
      bool take = handoffs++ % 3 != 2;
      for (auto& q : b) {
        CHECK(q.msg->process != nullptr);
        api.ReleaseMessage(q.msg);
        (take ? received : refused)++;
      }
      return take;
    });
    std::vector<ClientSpec> specs(3);
    specs[0].events = {ES_EVENT_TYPE_NOTIFY_EXEC};
    specs[1].events = {ES_EVENT_TYPE_NOTIFY_OPEN};
    specs[1].mutePaths = {{"/usr/bin/curl", MutePathType::kLiteral}};
    specs[1].invertPaths = true;
    specs[2].events = {ES_EVENT_TYPE_NOTIFY_EXEC, ES_EVENT_TYPE_NOTIFY_OPEN};
    StartError err;
    CHECK(set.Start(specs, &err));
    std::vector<FakeEvent> evs;
    for (uint32_t i = 0; i < 200; i++) {
      FakeEvent e;
      e.type = i % 2 ? ES_EVENT_TYPE_NOTIFY_OPEN : ES_EVENT_TYPE_NOTIFY_EXEC;
      e.pid = i % 7 == 0 ? 999 : 100 + i;
      e.exe = i % 3 ? "/usr/bin/curl" : "/bin/zsh";
      e.target = "/tmp/f";
      if (i % 11 == 0) e.dropForClient = {2};
      evs.push_back(e);
    }
    api.Deliver(evs);
    if (round % 3 != 0) api.Drain();  // sometimes stop with messages still queued
    set.Stop();
    CHECK(api.Outstanding() == 0);
    auto c = set.Counters();
    CHECK(c.size() == 3);
    if (round % 3 != 0) {
      CHECK(c[2].seqGaps > 0);
      CHECK(received.load() + c[0].queueDrops + c[1].queueDrops + c[2].queueDrops == c[0].messages + c[1].messages + c[2].messages);
      if (handoffs.load() >= 3) CHECK(refused.load() > 0);
      CHECK(c[0].queueDrops + c[1].queueDrops + c[2].queueDrops >= refused.load());
    }
  }

  {
    FakeEsApi api(NewClientResult::kErrNotPermitted, {});
    EsClientSet set(&api, 16, 8, 1, [](std::vector<EsClientSet::Queued>&&) { return true; });
    std::vector<ClientSpec> specs(2);
    StartError err;
    CHECK(!set.Start(specs, &err));
    CHECK(err.code == "NJ_SOURCE_NO_FULL_DISK_ACCESS");
  }
  if (g_failures == 0) printf("ok\n");
  return g_failures == 0 ? 0 : 1;
}
