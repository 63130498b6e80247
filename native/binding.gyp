{
  # Built by scripts/build-native.mjs, which finds libtorch and passes its include and lib dirs.
  "variables": {
    "libtorch_include%": "/usr/include",
    "libtorch_lib%": "/usr/lib/x86_64-linux-gnu",
    "libtorch_cuda%": "0",
    "cxx11_abi%": "1",
  },
  "targets": [
    {
      "target_name": "medfed_torch",
      "sources": ["src/addon.cc", "src/cpu_cache.cc", "src/model_wrap.cc", "src/js_util.cc", "src/losses.cc", "src/net.cc", "src/recurrent.cc", "src/train.cc"],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<(libtorch_include)",
        "<(libtorch_include)/torch/csrc/api/include",
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "_GLIBCXX_USE_CXX11_ABI=<(cxx11_abi)"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++14"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-O2", "-Wno-unused-parameter", "-Wno-deprecated-declarations"],
      "libraries": [
        "-L<(libtorch_lib)",
        "-Wl,-rpath,<(libtorch_lib)",
        "-Wl,--no-as-needed",
        "-ltorch",
        "-ltorch_cpu",
        "-lc10",
      ],
      "conditions": [
        ["libtorch_cuda==1", {"libraries": ["-ltorch_cuda", "-lc10_cuda"]}],
      ],
    }
  ],
}
