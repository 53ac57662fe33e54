{
  "targets": [
    {
      "target_name": "nightjar_es",
      # The translator and its test hook build everywhere; one backend folder per platform.
      "sources": ["native/binding.cc", "native/common/translate.cc", "native/common/synthetic.cc",
                  # The macOS backend's own logic and its fake libEndpointSecurity build everywhere.
                  "native/macos/es_client_set.cc", "native/macos/fake_es.cc", "native/macos/fake_binding.cc"],
      "include_dirs": ["<!@(node -p \"require('node-addon-api').include\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-O2", "-Wall", "-Wno-missing-field-initializers"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "conditions": [
        ["OS=='linux'", { "sources": ["native/linux/linux_backend.cc"] }],
        ["OS!='linux' and OS!='mac'", { "sources": ["native/stub/no_backend.cc"] }],
        ["OS=='mac'", {
          # The real ES client: the only code here not compiled in CI (needs the macOS SDK).
          # The process backfill too (libproc and the Mach calls are in libSystem; its build over the
          # fake libproc runs in test/native/proc-backfill.test.ts).
          "sources": ["native/macos/es_api_apple.cc", "native/macos/es_backend_apple.cc", "native/macos/proc_backfill_apple.cc"],
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
