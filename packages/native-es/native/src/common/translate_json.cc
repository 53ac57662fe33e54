// The translator (translate.cc) compiled a second time over the JSON stand-in for napi.h
// (json/napi.h): the same code, field for field, writes an eslogger JSON line instead of building
// JS objects. Runs on a backend's own thread, so the JS thread only decodes text (core's decoder,
// the replay path). The stand-in's namespace is renamed so it cannot clash with node-addon-api's.
#define SRC_NAPI_H_  // the real <napi.h> (node-addon-api's include guard) stays out of this unit
#define Napi NjJsonNapi
#define EventName EventNameJsonUnit  // the one translate.cc function without a Napi type in its signature
#define NJ_PROCESS_TEXT_MEMO
#include "json/napi.h"
#include "translate.cc"
#undef EventName
#undef Napi

#include "translate_json.h"

namespace njes {
namespace {

// Every event carries its acting process, and a busy process acts again and again: its text is
// kept (a few per thread) and reused when every field the translator reads is the same. The key
// is those fields' bytes, field by field (struct padding is not compared).
template <class T>
void Put(std::string& k, const T& v) {
  k.append(reinterpret_cast<const char*>(&v), sizeof v);
}

void PutStr(std::string& k, const es_string_token_t& s) {
  Put(k, s.data != nullptr);
  Put(k, s.length);
  if (s.data != nullptr) k.append(s.data, s.length);
}

void PutTime(std::string& k, const es_timespec_t& t) {
  Put(k, t.tv_sec);
  Put(k, t.tv_nsec);
}

void PutFile(std::string& k, const es_file_t* f) {
  Put(k, f != nullptr);
  if (f == nullptr) return;
  PutStr(k, f->path);
  Put(k, f->path_truncated);
  Put(k, f->nj_no_stat);
  if (f->nj_no_stat) return;
  const darwin_stat_t& s = f->stat;
  Put(k, s.st_dev);
  Put(k, s.st_mode);
  Put(k, s.st_nlink);
  Put(k, s.st_ino);
  Put(k, s.st_uid);
  Put(k, s.st_gid);
  Put(k, s.st_rdev);
  PutTime(k, s.st_atimespec);
  PutTime(k, s.st_mtimespec);
  PutTime(k, s.st_ctimespec);
  PutTime(k, s.st_birthtimespec);
  Put(k, s.st_size);
  Put(k, s.st_blocks);
  Put(k, s.st_blksize);
  Put(k, s.st_flags);
  Put(k, s.st_gen);
}

// A new member of these structs must be added to the key below (the sizes catch a forgotten one).
static_assert(sizeof(es_process_t) == 216, "es_process_t changed: update ProcessKey");
static_assert(sizeof(es_file_t) == 160, "es_file_t changed: update PutFile");
static_assert(sizeof(darwin_stat_t) == 128, "darwin_stat_t changed: update PutFile");

void ProcessKey(std::string& k, const es_process_t* p, uint32_t v) {
  k.clear();
  Put(k, v);
  Put(k, p->audit_token.val);
  Put(k, p->ppid);
  Put(k, p->original_ppid);
  Put(k, p->group_id);
  Put(k, p->session_id);
  Put(k, p->codesigning_flags);
  Put(k, p->is_platform_binary);
  Put(k, p->is_es_client);
  Put(k, p->cdhash);
  PutStr(k, p->signing_id);
  PutStr(k, p->team_id);
  PutFile(k, p->executable);
  PutFile(k, p->tty);
  Put(k, p->start_time.tv_sec);
  Put(k, p->start_time.tv_usec);
  Put(k, p->responsible_audit_token.val);
  Put(k, p->parent_audit_token.val);
  Put(k, p->cs_validation_category);
  Put(k, p->nj_no_codesigning);
  Put(k, p->nj_omit);
}

struct ProcessText {
  std::string key;
  NjJsonNapi::Value text;
};

// Two ways per pid slot (an exec's actor and target share a pid): the most recent first.
constexpr size_t kProcessSlots = 32;
thread_local ProcessText tProcesses[kProcessSlots];
thread_local std::string tKey;

NjJsonNapi::Value Proc(NjJsonNapi::Env env, const es_process_t* p, uint32_t v) {
  if (p == nullptr) return env.Null();
  ProcessKey(tKey, p, v);
  size_t i = (p->audit_token.val[5] % (kProcessSlots / 2)) * 2;
  if (tProcesses[i].key == tKey) return tProcesses[i].text;
  if (tProcesses[i + 1].key == tKey) {
    std::swap(tProcesses[i], tProcesses[i + 1]);
    return tProcesses[i].text;
  }
  NjJsonNapi::Object o = TranslateProcess(env, p, v);
  std::swap(tProcesses[i], tProcesses[i + 1]);
  tProcesses[i].key = tKey;
  tProcesses[i].text = o;
  return o;
}

}  // namespace

void AppendJsonLine(const es_message_t* m, std::string& out) {
  out += TranslateMessage(NjJsonNapi::Env(), m).Text();
  out += '\n';
}

}  // namespace njes
