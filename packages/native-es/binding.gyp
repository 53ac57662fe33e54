{
  # The shipped addon: production sources only (native/src/). The test addon, with the test
  # doubles, is native/testing/binding.gyp; it is not in the package.
  "targets": [
    {
      "target_name": "nightjar_es",
      "sources": ["native/src/binding.cc", "native/src/common/throw_coded.cc", "native/src/common/translate.cc",
                  "native/src/common/batch_handoff.cc", "native/src/common/translate_json.cc"],
      "include_dirs": ["<!@(node -p \"require('node-addon-api').include\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-O2", "-Wall", "-Wno-missing-field-initializers"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "conditions": [
        ["OS=='linux'", { "sources": ["native/src/linux/linux_backend.cc"] }],
        ["OS!='linux' and OS!='mac'", { "sources": ["native/src/stub/no_backend.cc"] }],
        ["OS=='mac'", {
          # es_session.cc and es_client_set.cc also build (and run) in the test addon on every
          # platform; es_api_apple.cc and proc_backfill_apple.cc are compiled and run on Linux against
          # the fake libEndpointSecurity / libproc (test/native/apple-fake-libes, proc-backfill).
          "sources": ["native/src/macos/es_client_set.cc", "native/src/macos/es_session.cc",
                      "native/src/macos/es_api_apple.cc", "native/src/macos/es_backend_apple.cc",
                      "native/src/macos/proc_backfill_apple.cc"],
          "libraries": ["-lEndpointSecurity", "-lbsm"],
          "xcode_settings": {
            "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
            "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
            "MACOSX_DEPLOYMENT_TARGET": "13.0"
          }
        }]
      ]
    }
  ]
}
