# Warnings and the floating-point contract for gendiv's C++ code.
function(gendiv_cxx_options target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wno-unused-parameter -O3 -fopenmp-simd -fno-math-errno -fno-trapping-math
      -ffp-contract=off -fvisibility=hidden -fvisibility-inlines-hidden>)
endfunction()
