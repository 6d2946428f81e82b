// Draws the crowd: every drawn customer one instanced quad, uploaded when the crowd changed.
#pragma once
#include <cstdint>
#include <string>

#include "app/crowd.h"  // app::CrowdInstance: x, y (ImGui coordinates), impression, flash

namespace motsim::platform {

using app::CrowdInstance;

class CrowdRenderer {
public:
    // Compiles the shaders (version line prepended for GL 3.3 or ES 3.0). False with a message.
    bool init(bool gles, std::string& error);
    void shutdown();
    // Called from an ImGui draw callback: projection from the draw data, scissor from the clip
    // rectangle (ImGui coordinates), framebuffer scale for HiDPI.
    // `version` changes whenever the dots do (App::crowd_version): same version, no upload.
    void draw(const CrowdInstance* crowd, std::size_t count, std::uint64_t version, float radius, const float clip[4],
              const float display_pos[2], const float display_size[2], const float fb_scale[2], int fb_height);

private:
    unsigned program_ = 0, vao_ = 0, quad_vbo_ = 0, instance_vbo_ = 0;
    int loc_projection_ = -1, loc_radius_ = -1;
    std::size_t capacity_ = 0;
    std::uint64_t uploaded_version_ = ~std::uint64_t{0};
    std::size_t uploaded_count_ = 0;
};

}  // namespace motsim::platform
