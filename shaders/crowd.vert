// The crowd: one instanced quad per customer. The version line (#version 330 core natively,
// #version 300 es in browsers) is prepended by the renderer.
layout(location = 0) in vec2 corner;      // quad corner in [-1, 1]
layout(location = 1) in vec4 customer;    // x, y (ImGui coordinates), impression, flash
uniform mat4 projection;
uniform float radius;                     // dot radius in ImGui coordinates
out vec2 v_corner;
out vec3 v_color;
out float v_flash;

// Impression colour: red (-1) through neutral grey (0) to green (+1); the same formula as
// motsim::app::impression_rgb so the dots match the charts.
vec3 impression_rgb(float s) {
    vec3 red = vec3(0.89, 0.26, 0.20);
    vec3 grey = vec3(0.62, 0.64, 0.68);
    vec3 green = vec3(0.20, 0.75, 0.35);
    return s < 0.0 ? mix(grey, red, -s) : mix(grey, green, s);
}

void main() {
    float grow = 1.0 + 1.5 * customer.w;  // a moment of magic flashes bigger and golden
    vec2 pos = customer.xy + corner * radius * grow;
    gl_Position = projection * vec4(pos, 0.0, 1.0);
    v_corner = corner;
    v_color = mix(impression_rgb(customer.z), vec3(1.0, 0.84, 0.25), customer.w);
    v_flash = customer.w;
}
