// A message mirror that owns everything it points to (strings, files, processes), so a backend
// thread can build it and the JS thread can translate it later. Deques keep addresses stable.
#pragma once
#include <deque>
#include <memory>
#include <string>
#include <vector>
#include "es_types.h"

namespace njes {

struct OwnedMessage {
  es_message_t msg{};
  es_thread_t thread{};
  std::deque<std::string> strs;
  std::deque<es_file_t> files;
  std::deque<es_process_t> procs;
  std::deque<std::vector<es_string_token_t>> lists;
  std::deque<std::vector<es_fd_t>> fdlists;
  std::deque<std::vector<uint8_t>> bytes;
  std::deque<es_thread_state_t> thread_states;
  std::deque<std::shared_ptr<void>> blobs;  // pointer payloads (13.0+ events), zero-initialised

  template <class T>
  T* New() {
    auto p = std::make_shared<T>();
    blobs.push_back(p);
    return p.get();
  }

  es_string_token_t Tok(std::string s) {
    strs.push_back(std::move(s));
    return es_string_token_t{strs.back().size(), strs.back().data()};
  }
  es_file_t* File(std::string path) {
    files.emplace_back();
    es_file_t* f = &files.back();
    f->path = Tok(std::move(path));
    return f;
  }
  es_process_t* Proc() {
    procs.emplace_back();
    return &procs.back();
  }
  // Empty again, for reuse: the containers keep their first blocks (a new message allocated a map
  // and a block for each of them).
  void Reset() {
    msg = es_message_t{};
    thread = es_thread_t{};
    strs.clear();
    files.clear();
    procs.clear();
    lists.clear();
    fdlists.clear();
    bytes.clear();
    thread_states.clear();
    blobs.clear();
  }
  // What this message holds in memory, roughly: the containers' own blocks plus the strings. Used
  // to bound the live path in bytes, not only in messages.
  size_t Bytes() const {
    size_t n = sizeof(OwnedMessage) + 9 * 576;  // each deque allocates a map and one block up front
    for (const auto& s : strs) n += s.capacity() + 1;
    for (const auto& l : lists) n += l.capacity() * sizeof(es_string_token_t);
    n += files.size() * sizeof(es_file_t) + procs.size() * sizeof(es_process_t) + blobs.size() * 64;
    return n;
  }
  std::vector<es_string_token_t>* List(const std::vector<std::string>& items) {
    lists.emplace_back();
    auto* l = &lists.back();
    for (const auto& s : items) l->push_back(Tok(s));
    return l;
  }
};

}  // namespace njes
