// The macOS backend's Apple-facing code (macos/es_api_apple.cc, unmodified, with its blocks) over
// EsClientSet, linked against Nightjar's fake libEndpointSecurity (macos/fake_libes) on Linux with
// clang -fblocks + libBlocksRuntime. Drives a session: es_new_client error mapping, two clients with
// their own subscriptions, self-muting, target-path muting, the default mute set, inverted path
// muting, kernel drops seen as seq gaps, message copy-out and refcounts, teardown; then the deep copy
// of every event type the translator renders, by round trip (synthetic mirror → Apple layout →
// ToMirror → translate, against translating the mirror itself), for message versions 1-10. The
// translator runs over src/common/json/napi.h (a JSON stand-in for napi.h). Prints "ok"; with a path
// argument, also writes the copies' JSON there, one line per message, for the JS side to compare
// with the real addon's output.
#include <EndpointSecurity/EndpointSecurity.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>
#include "synthetic.h"
#include "../src/common/translate.h"
#include "../src/macos/es_client_set.h"
#include "mirror_to_apple.h"

namespace njes {
EsApi* NewAppleEsApi();
}

#include "check.h"

static es_string_token_t T(const char* s) { return es_string_token_t{strlen(s), s}; }

struct Got {
  uint32_t client;
  uint32_t event;
  std::string exe;
  std::string target;
  std::vector<std::string> args;
  uint64_t seq, global;
  uint32_t version;
  bool hasTty;
  int64_t size;
};

static std::string S(const njes::es_string_token_t& t) { return t.data ? std::string(t.data, t.length) : ""; }

int main(int argc, char** cli) {
  // Apple-side process and file fixtures (owned here; they outlive every delivery).
  es_file_t zshFile{}, curlFile{}, daemonFile{}, selfFile{}, tty{}, fQuiet{}, fSecret{}, fHome{};
  zshFile.path = T("/bin/zsh");
  zshFile.stat.st_size = 1234;
  zshFile.stat.st_ino = 77;
  curlFile.path = T("/usr/bin/curl");
  daemonFile.path = T("/usr/libexec/opendirectoryd");
  selfFile.path = T("/usr/local/bin/node");
  tty.path = T("/dev/ttys001");
  fQuiet.path = T("/tmp/quiet/a.log");
  fSecret.path = T("/Users/x/secret/key");
  fHome.path = T("/Users/x/notes.txt");
  auto proc = [](es_file_t* exe, uint32_t pid) {
    es_process_t p{};
    p.audit_token.val[5] = pid;
    p.ppid = 1;
    p.executable = exe;
    return p;
  };
  es_process_t zsh = proc(&zshFile, 100), curl = proc(&curlFile, 200), daemon = proc(&daemonFile, 300),
               self = proc(&selfFile, 4242), reused = proc(&zshFile, 4242);
  // This process's real token, as task_info(TASK_AUDIT_TOKEN) gives it: auid, euid, egid, ruid,
  // rgid, pid, asid, pidversion. ES (and the fake) compare all eight fields, so a token holding
  // only the pid would mute nothing; `reused` is a later process with our pid (another pidversion).
  const uint32_t selfVals[8] = {501, 0, 0, 501, 20, 4242, 100007, 77};
  for (int i = 0; i < 8; i++) self.audit_token.val[i] = selfVals[i];
  reused.audit_token = self.audit_token;
  reused.audit_token.val[7] = 78;
  nj_fake_es_set_self_token(&self.audit_token);
  zsh.tty = &tty;
  zsh.signing_id = T("com.apple.zsh");
  es_string_token_t argv[] = {T("zsh"), T("-c"), T("echo hi")};
  es_fd_t fds[] = {{0, 1}, {1, 1}};

  auto open = [](es_process_t* p, es_file_t* f, uint32_t v) {
    es_message_t m{};
    m.version = v;
    m.action_type = ES_ACTION_TYPE_NOTIFY;
    m.event_type = ES_EVENT_TYPE_NOTIFY_OPEN;
    m.process = p;
    m.event.open.file = f;
    m.event.open.fflag = 1;
    return m;
  };
  es_message_t exec{};
  exec.version = 7;
  exec.action_type = ES_ACTION_TYPE_NOTIFY;
  exec.event_type = ES_EVENT_TYPE_NOTIFY_EXEC;
  exec.process = &zsh;
  exec.event.exec.target = &zsh;
  exec.event.exec.nj_args = argv;
  exec.event.exec.nj_arg_count = 3;
  exec.event.exec.nj_fds = fds;
  exec.event.exec.nj_fd_count = 2;
  exec.event.exec.cwd = &fHome;

  std::mutex mu;
  std::vector<Got> got;
  njes::EsApi* api = njes::NewAppleEsApi();
  auto sink = [&](std::vector<njes::EsClientSet::Queued>&& batch) {
    std::lock_guard<std::mutex> lk(mu);
    for (auto& q : batch) {
      const njes::es_message_t* m = q.msg;
      Got g{q.client, m->event_type, m->process && m->process->executable ? S(m->process->executable->path) : "", "", {},
            m->seq_num, m->global_seq_num, m->version, m->process && m->process->tty != nullptr,
            m->process && m->process->executable ? m->process->executable->stat.st_size : -1};
      if (m->event_type == ES_EVENT_TYPE_NOTIFY_OPEN && m->event.open.file) g.target = S(m->event.open.file->path);
      if (m->event_type == ES_EVENT_TYPE_NOTIFY_EXEC) {
        for (uint32_t i = 0; i < njes::nj_exec_arg_count(&m->event.exec); i++) g.args.push_back(S(njes::nj_exec_arg(&m->event.exec, i)));
        if (m->event.exec.cwd) g.target = S(m->event.exec.cwd->path);
        CHECK(njes::nj_exec_fd_count(&m->event.exec) == 2);
      }
      got.push_back(g);
      api->ReleaseMessage(m);
    }
    return true;
  };

  // 1. es_new_client failures map to the typed errors, and nothing is left behind.
  struct { es_new_client_result_t r; const char* code; } fails[] = {
      {ES_NEW_CLIENT_RESULT_ERR_NOT_PERMITTED, "NJ_SOURCE_NO_FULL_DISK_ACCESS"},
      {ES_NEW_CLIENT_RESULT_ERR_NOT_ENTITLED, "NJ_SOURCE_NOT_ENTITLED"},
      {ES_NEW_CLIENT_RESULT_ERR_NOT_PRIVILEGED, "NJ_SOURCE_NOT_ROOT"},
      {ES_NEW_CLIENT_RESULT_ERR_TOO_MANY_CLIENTS, "NJ_SOURCE_TOO_MANY_CLIENTS"},
      {ES_NEW_CLIENT_RESULT_ERR_INTERNAL, "NJ_SOURCE_FAILED"},
  };
  for (auto& f : fails) {
    njes::EsClientSet set(api, 1024, 64, 5, sink);
    nj_fake_es_fail_next_new_client(f.r);
    njes::StartError err;
    njes::ClientSpec spec;
    spec.events = {ES_EVENT_TYPE_NOTIFY_OPEN};
    CHECK(!set.Start({spec, spec}, &err));
    CHECK(err.code == f.code);
    CHECK(nj_fake_es_live_clients() == 0);
  }

  // 2. A live session: client 0 = exec+open with a target-prefix mute; client 1 = open+exec with
  //    inverted path muting selecting /usr/bin/curl only.
  {
    njes::EsClientSet set(api, 1024, 64, 5, sink);
    njes::ClientSpec a, b;
    a.events = {ES_EVENT_TYPE_NOTIFY_EXEC, ES_EVENT_TYPE_NOTIFY_OPEN};
    a.mutePaths = {{"/tmp/quiet/", njes::MutePathType::kTargetPrefix}};
    b.events = {ES_EVENT_TYPE_NOTIFY_OPEN, ES_EVENT_TYPE_NOTIFY_EXEC};
    b.invertPaths = true;
    b.mutePaths = {{"/usr/bin/curl", njes::MutePathType::kLiteral}};
    njes::StartError err;
    CHECK(set.Start({a, b}, &err));
    CHECK(nj_fake_es_live_clients() == 2);

    es_message_t m;
    CHECK(nj_fake_es_post(&exec) == 1);                      // a only (b: not curl)
    m = open(&zsh, &fQuiet, 7);   CHECK(nj_fake_es_post(&m) == 0);  // a: target muted; b: not curl
    m = open(&zsh, &fSecret, 7);  CHECK(nj_fake_es_post(&m) == 1);  // a
    m = open(&self, &fHome, 7);   CHECK(nj_fake_es_post(&m) == 0);  // self-muted in both
    m = open(&reused, &fHome, 7); CHECK(nj_fake_es_post(&m) == 1);  // a: same pid, not us
    m = open(&daemon, &fHome, 7); CHECK(nj_fake_es_post(&m) == 0);  // default mute set (a); b cleared it but is inverted
    m = open(&curl, &fHome, 7);   CHECK(nj_fake_es_post(&m) == 2);  // a and b
    // Kernel drops: client 0 loses the next 3 messages it would have got.
    nj_fake_es_drop_next(nj_fake_es_client_at(0), 3);
    for (int i = 0; i < 3; i++) {
      m = open(&zsh, &fHome, 7);
      CHECK(nj_fake_es_post(&m) == 0);
    }
    m = open(&zsh, &fHome, 7);   CHECK(nj_fake_es_post(&m) == 1);
    m = open(&curl, &fSecret, 7); CHECK(nj_fake_es_post(&m) == 2);
    nj_fake_es_drain();
    for (int i = 0; i < 400; i++) {
      {
        std::lock_guard<std::mutex> lk(mu);
        if (got.size() >= 8) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    {
      std::lock_guard<std::mutex> lk(mu);
      CHECK(got.size() == 8);
      // EsApi client ids count up across the failed starts above: the first created is client a.
      uint32_t idA = UINT32_MAX;
      for (const Got& g : got) idA = g.client < idA ? g.client : idA;
      int a0 = 0, b0 = 0;
      for (const Got& g : got) {
        if (g.client == idA) a0++;
        if (g.client != idA) {
          b0++;
          CHECK(g.exe == "/usr/bin/curl");
        }
        CHECK(g.exe != "/usr/local/bin/node" && g.exe != "/usr/libexec/opendirectoryd");
        CHECK(g.target.rfind("/tmp/quiet/", 0) != 0);
      }
      CHECK(a0 == 6);
      CHECK(b0 == 2);
      // Copy-out through es_api_apple.cc's ToMirror, per message version.
      bool sawExec = false;
      for (const Got& g : got) {
        if (g.event == ES_EVENT_TYPE_NOTIFY_EXEC) {
          sawExec = true;
          CHECK(g.client == idA);
          CHECK((g.args == std::vector<std::string>{"zsh", "-c", "echo hi"}));
          CHECK(g.target == "/Users/x/notes.txt");
          CHECK(g.exe == "/bin/zsh");
          CHECK(g.size == 1234);
          CHECK(g.hasTty);
          CHECK(g.version == 7);
          CHECK(g.seq == 0 && g.global == 0);
        }
      }
      CHECK(sawExec);
    }
    auto cs = set.Counters();
    CHECK(cs.size() == 2);
    if (cs.size() == 2) {
      CHECK(cs[0].messages == 6);
      CHECK(cs[0].seqGaps == 1 && cs[0].seqMissing == 3);
      CHECK(cs[0].globalGaps == 1 && cs[0].globalMissing == 3);
      CHECK(cs[1].messages == 2);
      CHECK(cs[1].seqGaps == 0 && cs[1].globalGaps == 0);
      CHECK(cs[0].queueDrops == 0 && cs[1].queueDrops == 0);
    }
    set.Stop();
    CHECK(nj_fake_es_live_clients() == 0);
  }
  CHECK(nj_fake_es_live_messages() == 0);

  // 2b. Event types per macOS version: on "14.6" (newest type xpc_connect), tcc_modify (15.4) and
  //     gatekeeper_user_override (15.0) are left out by the version table and named; a type the
  //     table does not know about but the OS refuses makes es_subscribe fail as a whole, and then
  //     each type is subscribed alone, so open still arrives and only the refused one is named.
  {
    nj_fake_es_set_os("14.6", ES_EVENT_TYPE_NOTIFY_XPC_CONNECT);
    njes::EsClientSet set(api, 1024, 64, 5, sink);
    njes::ClientSpec a, b;
    a.events = {ES_EVENT_TYPE_NOTIFY_OPEN, ES_EVENT_TYPE_NOTIFY_TCC_MODIFY, ES_EVENT_TYPE_NOTIFY_GATEKEEPER_USER_OVERRIDE};
    a.minMacos = {"10.15", "15.4", "15.0"};
    b.events = {ES_EVENT_TYPE_NOTIFY_TCC_MODIFY, ES_EVENT_TYPE_NOTIFY_OPEN};  // no table: es_subscribe decides
    njes::StartError err;
    CHECK(set.Start({a, b}, &err));
    auto un = set.Unavailable();
    CHECK(un.size() == 3);
    if (un.size() == 3) {
      CHECK(un[0].client == 0 && un[0].type == ES_EVENT_TYPE_NOTIFY_TCC_MODIFY && un[0].reason == "needs macOS 15.4 (this is 14.6)");
      CHECK(un[1].client == 0 && un[1].type == ES_EVENT_TYPE_NOTIFY_GATEKEEPER_USER_OVERRIDE &&
            un[1].reason == "needs macOS 15.0 (this is 14.6)");
      CHECK(un[2].client == 1 && un[2].type == ES_EVENT_TYPE_NOTIFY_TCC_MODIFY &&
            un[2].reason == "refused by es_subscribe on macOS 14.6");
    }
    {
      std::lock_guard<std::mutex> lk(mu);
      got.clear();
    }
    es_message_t m = open(&zsh, &fHome, 7);
    CHECK(nj_fake_es_post(&m) == 2);  // both clients subscribed open
    nj_fake_es_drain();
    set.Stop();
    nj_fake_es_set_os("26.0", 0xffffffffu);
  }
  CHECK(nj_fake_es_live_messages() == 0);

  // 2c. Muting a running process by pid: its whole token is read (task_name_for_pid + task_info),
  //     so a later process reusing the pid is not muted; a pid whose token cannot be read fails
  //     the start, naming it, before any client exists.
  {
    nj_fake_es_set_process_token(200, &curl.audit_token);
    njes::EsClientSet set(api, 1024, 64, 5, sink);
    njes::ClientSpec a;
    a.events = {ES_EVENT_TYPE_NOTIFY_OPEN};
    a.mutePids = {200};
    njes::StartError err;
    CHECK(set.Start({a}, &err));
    es_process_t curlAgain = curl;  // pid 200 reused: another pidversion
    curlAgain.audit_token.val[7] = curl.audit_token.val[7] + 1;
    es_message_t m = open(&curl, &fHome, 7);
    CHECK(nj_fake_es_post(&m) == 0);
    m = open(&curlAgain, &fHome, 7);
    CHECK(nj_fake_es_post(&m) == 1);
    m = open(&zsh, &fHome, 7);
    CHECK(nj_fake_es_post(&m) == 1);
    nj_fake_es_drain();
    set.Stop();
    njes::EsClientSet none(api, 1024, 64, 5, sink);
    njes::ClientSpec b;
    b.events = {ES_EVENT_TYPE_NOTIFY_OPEN};
    b.mutePids = {555};
    CHECK(!none.Start({b}, &err));
    CHECK(err.code == "NJ_SOURCE_BAD_OPTIONS" && err.message.find("555") != std::string::npos);
    CHECK(nj_fake_es_live_clients() == 0);
  }
  CHECK(nj_fake_es_live_messages() == 0);

  // 2d. Per-event-type path muting (es_mute_path_events): zsh's opens are muted, its execs are not.
  {
    njes::EsClientSet set(api, 1024, 64, 5, sink);
    njes::ClientSpec a;
    a.events = {ES_EVENT_TYPE_NOTIFY_OPEN, ES_EVENT_TYPE_NOTIFY_EXEC};
    a.mutePathEvents = {{"/bin/zsh", njes::MutePathType::kLiteral, {ES_EVENT_TYPE_NOTIFY_OPEN}}};
    njes::StartError err;
    CHECK(set.Start({a}, &err));
    es_message_t m = open(&zsh, &fHome, 7);
    CHECK(nj_fake_es_post(&m) == 0);
    CHECK(nj_fake_es_post(&exec) == 1);
    m = open(&curl, &fHome, 7);
    CHECK(nj_fake_es_post(&m) == 1);
    nj_fake_es_drain();
    set.Stop();
  }
  CHECK(nj_fake_es_live_messages() == 0);

  // 3. Deep copy round trip, every rendered event type and message version. The copies are
  //    retained past the handler and translated only after the Apple-side message, its arena and
  //    the fake's delivery are all freed: a pointer kept into Apple's data is an ASan error.
  {
    FILE* dump = argc > 1 ? fopen(cli[1], "w") : nullptr;
    CHECK(argc <= 1 || dump != nullptr);
    std::mutex rmu;
    std::vector<const njes::es_message_t*> copies;
    njes::EsClientId id = 0;
    CHECK(api->NewClient(&id, [&](njes::EsClientId, const njes::es_message_t* m) {
      api->RetainMessage(m);
      std::lock_guard<std::mutex> lk(rmu);
      copies.push_back(m);
    }) == njes::NewClientResult::kSuccess);
    std::vector<uint32_t> types;
    for (uint32_t t = 0; t < 200; t++)
      if (njes::EventName(t) != nullptr) types.push_back(t);
    CHECK(api->Subscribe(id, types));
    size_t total = 0, same = 0;
    std::vector<uint32_t> seen;
    for (uint32_t v = 1; v <= 10; v++) {
      auto originals = njes::SyntheticMessages(v);
      for (auto& o : originals) {
        // Apple always packs env and fds (from v4); the mirror's "not collected" is Linux-only.
        njes::es_event_exec_t& x = o->msg.event.exec;
        if (o->msg.event_type == ES_EVENT_TYPE_NOTIFY_EXEC && x.nj_env == nullptr) x.nj_env = o->List({});
        if (o->msg.event_type == ES_EVENT_TYPE_NOTIFY_EXEC && x.nj_fds == nullptr) {
          o->fdlists.emplace_back();
          x.nj_fds = &o->fdlists.back();
        }
      }
      {
        AppleArena arena;
        for (auto& o : originals) {
          auto* a = arena.New<es_message_t>();
          CHECK(arena.Message(o->msg, a));
          CHECK(nj_fake_es_post_as_is(a) == 1);
        }
        nj_fake_es_drain();
      }  // Apple-side data freed here
      CHECK(nj_fake_es_live_messages() == 0);
      std::vector<const njes::es_message_t*> got;
      {
        std::lock_guard<std::mutex> lk(rmu);
        got.swap(copies);
      }
      CHECK(got.size() == originals.size());
      for (size_t i = 0; i < got.size() && i < originals.size(); i++) {
        std::string want = njes::TranslateMessage(Napi::Env(), &originals[i]->msg).Json();
        std::string have = njes::TranslateMessage(Napi::Env(), got[i]).Json();
        total++;
        if (want == have) {
          same++;
        } else {
          fprintf(stderr, "round trip differs: v%u message %zu (%s)\n want %s\n have %s\n", v, i,
                  njes::EventName(originals[i]->msg.event_type), want.c_str(), have.c_str());
        }
        if (std::find(seen.begin(), seen.end(), got[i]->event_type) == seen.end()) seen.push_back(got[i]->event_type);
        if (dump) fprintf(dump, "%s\n", have.c_str());
        api->ReleaseMessage(got[i]);
      }
    }
    CHECK(total > 0 && same == total);
    CHECK(seen.size() == types.size());  // every rendered type went through the copy
    api->DeleteClient(id);
    if (dump) fclose(dump);
    fprintf(stdout, "round trip: %zu messages, %zu types, %zu identical\n", total, seen.size(), same);
  }
  CHECK(nj_fake_es_live_clients() == 0);
  delete api;
  if (g_failures) return 1;
  printf("ok\n");
  return 0;
}
