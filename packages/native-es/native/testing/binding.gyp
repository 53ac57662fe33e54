{
  # The test addon (nightjar_es_testing.node): the shipped translator, batch hand-off, ES client
  # set and ES session, plus the test doubles (synthetic messages, the fake ES library). Built by
  # scripts/install.cjs in a source checkout; not part of the npm package.
  "targets": [
    {
      "target_name": "nightjar_es_testing",
      "sources": ["testing_addon.cc", "synthetic.cc", "fake_es.cc", "fake_binding.cc",
                  "../src/common/throw_coded.cc", "../src/common/translate.cc", "../src/common/batch_handoff.cc", "../src/common/translate_json.cc",
                  "../src/macos/es_client_set.cc", "../src/macos/es_session.cc"],
      "include_dirs": ["<!@(node -p \"require('node-addon-api').include\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-O2", "-Wall", "-Wno-missing-field-initializers"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "MACOSX_DEPLOYMENT_TARGET": "13.0"
      }
    }
  ]
}
