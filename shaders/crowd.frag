// A round, softly edged dot; the precision line is prepended for OpenGL ES.
in vec2 v_corner;
in vec3 v_color;
in float v_flash;
out vec4 frag_color;

void main() {
    float d = dot(v_corner, v_corner);
    if (d > 1.0) discard;
    float alpha = smoothstep(1.0, 0.6, d) * (0.85 + 0.15 * v_flash);
    frag_color = vec4(v_color, alpha);
}
