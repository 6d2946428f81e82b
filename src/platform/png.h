// A minimal PNG writer (uncompressed deflate blocks), for the native app's "save a picture":
// no image library is needed for a screenshot that is read once and thrown away.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace motsim::platform {

// rgba: width*height*4 bytes, top row first. Returns false if the file cannot be written.
bool write_png(const std::string& path, int width, int height, const std::vector<std::uint8_t>& rgba);

}  // namespace motsim::platform
