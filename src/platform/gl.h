// OpenGL headers: OpenGL ES 3.0 (WebGL2) in browsers, OpenGL 3.3 core natively (Mesa's libGL
// exports the 3.3 entry points, so prototypes are enough).
#pragma once
#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>
#else
#ifndef GL_GLEXT_PROTOTYPES
#define GL_GLEXT_PROTOTYPES 1
#endif
#include <GL/gl.h>
#include <GL/glext.h>
#endif
