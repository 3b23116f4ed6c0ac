// Compiled once to make the chapter programs' precompiled header (chapters/CMakeLists.txt).
