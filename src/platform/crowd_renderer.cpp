#include "platform/crowd_renderer.h"

#include "platform/gl.h"
#include "shaders_embedded.h"

namespace motsim::platform {

namespace {

const char* shader_text(const char* name) {
    for (const auto& f : shaders::kFiles)
        if (std::string(f.name) == name) return f.text;
    return "";
}

unsigned compile(GLenum kind, const std::string& source, std::string& error) {
    const unsigned s = glCreateShader(kind);
    const char* text = source.c_str();
    glShaderSource(s, 1, &text, nullptr);
    glCompileShader(s);
    GLint ok = 0;
    glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        char log[1024] = {};
        glGetShaderInfoLog(s, sizeof log, nullptr, log);
        error = std::string("crowd shader: ") + log;
        glDeleteShader(s);
        return 0;
    }
    return s;
}

}  // namespace

bool CrowdRenderer::init(bool gles, std::string& error) {
    const std::string header = gles ? "#version 300 es\nprecision mediump float;\n" : "#version 330 core\n";
    const unsigned vs = compile(GL_VERTEX_SHADER, header + shader_text("crowd.vert"), error);
    if (!vs) return false;
    const unsigned fs = compile(GL_FRAGMENT_SHADER, header + shader_text("crowd.frag"), error);
    if (!fs) return false;
    program_ = glCreateProgram();
    glAttachShader(program_, vs);
    glAttachShader(program_, fs);
    glLinkProgram(program_);
    glDeleteShader(vs);
    glDeleteShader(fs);
    GLint ok = 0;
    glGetProgramiv(program_, GL_LINK_STATUS, &ok);
    if (!ok) {
        error = "crowd shader: link failed";
        return false;
    }
    loc_projection_ = glGetUniformLocation(program_, "projection");
    loc_radius_ = glGetUniformLocation(program_, "radius");

    const float quad[8] = {-1, -1, 1, -1, -1, 1, 1, 1};
    glGenVertexArrays(1, &vao_);
    glBindVertexArray(vao_);
    glGenBuffers(1, &quad_vbo_);
    glBindBuffer(GL_ARRAY_BUFFER, quad_vbo_);
    glBufferData(GL_ARRAY_BUFFER, sizeof quad, quad, GL_STATIC_DRAW);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, nullptr);
    glGenBuffers(1, &instance_vbo_);
    glBindBuffer(GL_ARRAY_BUFFER, instance_vbo_);
    glEnableVertexAttribArray(1);
    glVertexAttribPointer(1, 4, GL_FLOAT, GL_FALSE, sizeof(CrowdInstance), nullptr);
    glVertexAttribDivisor(1, 1);
    glBindVertexArray(0);
    glBindBuffer(GL_ARRAY_BUFFER, 0);
    return true;
}

void CrowdRenderer::shutdown() {
    if (instance_vbo_) glDeleteBuffers(1, &instance_vbo_);
    if (quad_vbo_) glDeleteBuffers(1, &quad_vbo_);
    if (vao_) glDeleteVertexArrays(1, &vao_);
    if (program_) glDeleteProgram(program_);
    program_ = vao_ = quad_vbo_ = instance_vbo_ = 0;
}

void CrowdRenderer::draw(const CrowdInstance* crowd, std::size_t count, std::uint64_t version, float radius,
                         const float clip[4], const float display_pos[2], const float display_size[2],
                         const float fb_scale[2], int fb_height) {
    if (!program_ || count == 0) return;
    // Uploaded only when the crowd changed (a paused run uploads nothing); the buffer grows,
    // never shrinks, to avoid reallocating.
    glBindBuffer(GL_ARRAY_BUFFER, instance_vbo_);
    if (version != uploaded_version_ || count != uploaded_count_) {
        const std::size_t bytes = count * sizeof(CrowdInstance);
        if (bytes > capacity_) {
            capacity_ = bytes + bytes / 2;
            glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(capacity_), nullptr, GL_STREAM_DRAW);
        }
        glBufferSubData(GL_ARRAY_BUFFER, 0, static_cast<GLsizeiptr>(bytes), crowd);
        uploaded_version_ = version;
        uploaded_count_ = count;
    }

    const float l = display_pos[0], r = display_pos[0] + display_size[0];
    const float t = display_pos[1], b = display_pos[1] + display_size[1];
    const float projection[16] = {2.0f / (r - l),    0, 0, 0, 0, 2.0f / (t - b), 0, 0, 0, 0, -1, 0, (r + l) / (l - r),
                                  (t + b) / (b - t), 0, 1};
    glEnable(GL_SCISSOR_TEST);
    glScissor(static_cast<int>((clip[0] - l) * fb_scale[0]),
              static_cast<int>(static_cast<float>(fb_height) - (clip[3] - t) * fb_scale[1]),
              static_cast<int>((clip[2] - clip[0]) * fb_scale[0]), static_cast<int>((clip[3] - clip[1]) * fb_scale[1]));
    glEnable(GL_BLEND);
    glBlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA);
    glUseProgram(program_);
    glUniformMatrix4fv(loc_projection_, 1, GL_FALSE, projection);
    glUniform1f(loc_radius_, radius);
    glBindVertexArray(vao_);
    glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, static_cast<GLsizei>(count));
    glBindVertexArray(0);
    glBindBuffer(GL_ARRAY_BUFFER, 0);
}

}  // namespace motsim::platform
