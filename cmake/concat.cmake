# Joins the parts of a script (web/embed/NN-name.js, in the order given) into one file, inside one
# function scope: the parts share their private names, and a page sees only what they put on
# `global` (window). Host pages keep one <script src="motsim-embed.js">; readers get files of one
# role each. Each part is marked in the output with its file name, for reading it in a debugger.
# usage: cmake -DOUT=file.js -DFILES="a.js|b.js" -P concat.cmake
string(REPLACE "|" ";" FILES "${FILES}")
get_filename_component(out_name ${OUT} NAME)
set(content "// ${out_name}: built from web/embed/*.js by cmake/concat.cmake. Do not edit; edit the parts.\n")
string(APPEND content "(function (global) {\n\"use strict\";\n")
foreach(file ${FILES})
  get_filename_component(name ${file} NAME)
  file(READ ${file} text)
  string(APPEND content "\n// ---- web/embed/${name} ----\n${text}")
endforeach()
string(APPEND content "})(typeof window !== \"undefined\" ? window : this);\n")
file(WRITE ${OUT}.tmp "${content}")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUT}.tmp)
