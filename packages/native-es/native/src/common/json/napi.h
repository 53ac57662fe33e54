// A stand-in for node-addon-api's <napi.h>: just the calls translate.cc makes (Object/Array/
// String/Number/Boolean::New, Set, env.Null()), building a JSON tree instead of JS values. Two uses:
// the JSON wire (translate_json.cc: the same translator writes eslogger JSON text off the JS
// thread), and the standalone ASan test binaries where there is no node. Keys keep insertion order;
// Set on an existing key replaces it, as in JS.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace Napi {

struct Node {
  enum Kind { kUndefined, kNull, kBool, kNumber, kString, kObject, kArray } kind = kUndefined;
  bool b = false;
  double n = 0;
  std::string s;
  std::vector<std::pair<std::string, std::shared_ptr<Node>>> obj;
  std::vector<std::shared_ptr<Node>> arr;
};

class Value {
 public:
  Value() : node_(std::make_shared<Node>()) {}
  explicit Value(std::shared_ptr<Node> n) : node_(std::move(n)) {}
  const std::shared_ptr<Node>& node() const { return node_; }
  std::string Json() const {
    std::string out;
    Write(*node_, out);
    return out;
  }

 protected:
  std::shared_ptr<Node> node_;

 private:
  static void Write(const Node& n, std::string& out) {
    switch (n.kind) {
      case Node::kUndefined: out += "undefined"; break;  // never valid JSON: a hole shows up in a diff
      case Node::kNull: out += "null"; break;
      case Node::kBool: out += n.b ? "true" : "false"; break;
      case Node::kNumber: {
        char buf[40];
        if (std::nearbyint(n.n) == n.n && std::fabs(n.n) < 9007199254740992.0 && !(n.n == 0 && std::signbit(n.n))) {
          // Integers (nearly every ES field): exact below 2^53, and printf's float path (%.0f) was a
          // fifth of the JSON wire's thread.
          AppendInt((int64_t)n.n, out);
          break;
        }
        if (std::nearbyint(n.n) == n.n && std::fabs(n.n) < 9007199254740992.0)
          snprintf(buf, sizeof buf, "%.0f", n.n);
        else
          snprintf(buf, sizeof buf, "%.17g", n.n);
        out += buf;
        break;
      }
      case Node::kString: Quote(n.s, out); break;
      case Node::kObject:
        out += '{';
        for (size_t i = 0; i < n.obj.size(); i++) {
          if (i) out += ',';
          Quote(n.obj[i].first, out);
          out += ':';
          Write(*n.obj[i].second, out);
        }
        out += '}';
        break;
      case Node::kArray:
        out += '[';
        for (size_t i = 0; i < n.arr.size(); i++) {
          if (i) out += ',';
          Write(*n.arr[i], out);
        }
        out += ']';
        break;
    }
  }
  static void AppendInt(int64_t v, std::string& out) {
    char buf[24];
    char* e = buf + sizeof buf;
    char* p = e;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
      *--p = (char)('0' + u % 10);
      u /= 10;
    } while (u != 0);
    if (v < 0) *--p = '-';
    out.append(p, (size_t)(e - p));
  }
  static void Quote(const std::string& s, std::string& out) {
    out += '"';
    // Runs of characters that need no escape are appended whole.
    size_t run = 0;
    for (size_t i = 0; i < s.size(); i++) {
      unsigned char c = (unsigned char)s[i];
      if (c != '"' && c != '\\' && c >= 0x20) continue;
      out.append(s, run, i - run);
      run = i + 1;
      if (c == '"' || c == '\\') {
        out += '\\';
        out += (char)c;
      } else {
        char buf[8];
        snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      }
    }
    out.append(s, run, s.size() - run);
    out += '"';
  }
};

class Env {
 public:
  Value Null() const {
    auto n = std::make_shared<Node>();
    n->kind = Node::kNull;
    return Value(n);
  }
};

class Boolean : public Value {
 public:
  static Boolean New(Env, bool b) {
    Boolean v;
    v.node_->kind = Node::kBool;
    v.node_->b = b;
    return v;
  }
};

class Number : public Value {
 public:
  static Number New(Env, double d) {
    Number v;
    v.node_->kind = Node::kNumber;
    v.node_->n = d;
    return v;
  }
};

class String : public Value {
 public:
  static String New(Env, const char* data, size_t len) { return Make(std::string(data, len)); }
  static String New(Env, const std::string& s) { return Make(s); }
  static String New(Env, const char* s) { return Make(std::string(s)); }

 private:
  static String Make(std::string s) {
    String v;
    v.node_->kind = Node::kString;
    v.node_->s = std::move(s);
    return v;
  }
};

class Object : public Value {
 public:
  static Object New(Env) {
    Object v;
    v.node_->kind = Node::kObject;
    return v;
  }
  void Set(const char* key, const Value& val) {
    for (auto& kv : node_->obj)
      if (kv.first == key) {
        kv.second = val.node();
        return;
      }
    node_->obj.push_back({key, val.node()});
  }
};

class Array : public Value {
 public:
  static Array New(Env, size_t n) {
    Array v;
    v.node_->kind = Node::kArray;
    for (size_t i = 0; i < n; i++) v.node_->arr.push_back(std::make_shared<Node>());
    return v;
  }
  void Set(uint32_t i, const Value& val) {
    while (node_->arr.size() <= i) node_->arr.push_back(std::make_shared<Node>());
    node_->arr[i] = val.node();
  }
};

}  // namespace Napi
