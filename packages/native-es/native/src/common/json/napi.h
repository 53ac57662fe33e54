// A stand-in for node-addon-api's <napi.h>: just the calls translate.cc makes (Object/Array/
// String/Number/Boolean::New, Set, env.Null()), writing JSON text instead of building JS values.
// Two uses: the JSON wire (translate_json.cc: the same translator writes eslogger JSON text off the
// JS thread), and the standalone ASan test binaries where there is no node. Each value holds its
// own text and Object::Set appends a member to it: no tree of nodes is built and freed per message
// (building one, with a shared_ptr per value, was most of the JSON wire's cost on the backend's
// thread). The translator fills a child before it sets it into its parent, as this requires; keys
// keep insertion order. Set on a key already set appends it again (JSON.parse then keeps its first
// place and last value, as a JS object would); the translator never does.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace Napi {

class Env;

class Value {
 public:
  Value() = default;
  /** The value's JSON text (arrays joined on demand). */
  const std::string& Text() const {
    if (dirty_) Join();
    return text_;
  }
  std::string Json() const { return Text(); }

 protected:
  friend class Env;
  explicit Value(std::string text) : text_(std::move(text)) {}
  mutable std::string text_ = "undefined";  // never valid JSON: a hole shows up in a diff
  // Arrays keep their elements apart (they are set by index) and join them when read.
  std::vector<std::string> elems_;
  mutable bool dirty_ = false;

  void Join() const {
    text_ = "[";
    for (size_t i = 0; i < elems_.size(); i++) {
      if (i) text_ += ',';
      text_ += elems_[i];
    }
    text_ += ']';
    dirty_ = false;
  }

  static void AppendNumber(double d, std::string& out) {
    if (std::nearbyint(d) == d && std::fabs(d) < 9007199254740992.0) {
      // Integers (nearly every ES field): exact below 2^53, and printf's float path (%.0f) was a
      // fifth of the JSON wire's thread. Negative zero prints as %.0f did.
      if (d == 0 && std::signbit(d))
        out += "-0";
      else
        AppendInt((int64_t)d, out);
      return;
    }
    char buf[40];
    snprintf(buf, sizeof buf, "%.17g", d);
    out += buf;
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
  static void Quote(const char* s, size_t n, std::string& out) {
    out += '"';
    // Runs of characters that need no escape are appended whole.
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
      unsigned char c = (unsigned char)s[i];
      if (c != '"' && c != '\\' && c >= 0x20) continue;
      out.append(s + run, i - run);
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
    out.append(s + run, n - run);
    out += '"';
  }
};

class Env {
 public:
  Value Null() const { return Value("null"); }
};

class Boolean : public Value {
 public:
  static Boolean New(Env, bool b) {
    Boolean v;
    v.text_ = b ? "true" : "false";
    return v;
  }
};

class Number : public Value {
 public:
  static Number New(Env, double d) {
    Number v;
    v.text_.clear();
    AppendNumber(d, v.text_);
    return v;
  }
};

class String : public Value {
 public:
  static String New(Env, const char* data, size_t len) { return Make(data, len); }
  static String New(Env, const std::string& s) { return Make(s.data(), s.size()); }
  static String New(Env, const char* s) { return Make(s, std::strlen(s)); }

 private:
  static String Make(const char* s, size_t n) {
    String v;
    v.text_.clear();
    v.text_.reserve(n + 2);
    Quote(s, n, v.text_);
    return v;
  }
};

class Object : public Value {
 public:
  static Object New(Env) {
    Object v;
    v.text_ = "{}";
    return v;
  }
  // `key` is one of the translator's literal field names: none needs escaping.
  void Set(const char* key, const Value& val) {
    const std::string& t = val.Text();
    text_.pop_back();  // the closing brace
    if (text_.size() > 1) text_ += ',';
    text_ += '"';
    text_ += key;
    text_ += "\":";
    text_ += t;
    text_ += '}';
  }
};

class Array : public Value {
 public:
  static Array New(Env, size_t n) {
    Array v;
    v.elems_.assign(n, "undefined");
    v.dirty_ = true;
    return v;
  }
  void Set(uint32_t i, const Value& val) {
    if (elems_.size() <= i) elems_.resize((size_t)i + 1, "undefined");
    elems_[i] = val.Text();
    dirty_ = true;
  }
};

}  // namespace Napi
