#!/usr/bin/env python3
"""Draws the receipt logo, a shopping cart carrying an apple and a leaf, as an 8-bit
binary PGM (P5). Standard library only, so the asset can be remade anywhere:

    python3 assets/receipt/make-logo.py > assets/receipt/logo.pgm

Shapes are painted in order (a later shape covers an earlier one); each pixel is the
average of SUB x SUB samples, which gives the edges anti-aliasing. The kiosk dithers
the result to the printer's width at print time.
"""
import math
import sys

WIDTH, HEIGHT = 300, 120
SUB = 4                      # samples per pixel along each axis
DX, DY = 28, 3               # moves the drawing to the middle of the canvas
INK, PAPER = 0, 255


class Shape:
    def __init__(self, contains, bbox, color):
        self.contains, self.bbox, self.color = contains, bbox, color


def capsule(ax, ay, bx, by, r, color=INK):
    """A stroke from (ax, ay) to (bx, by) with round ends, r = half its width."""
    vx, vy = bx - ax, by - ay
    length2 = vx * vx + vy * vy or 1e-9

    def contains(x, y):
        t = max(0.0, min(1.0, ((x - ax) * vx + (y - ay) * vy) / length2))
        px, py = ax + t * vx - x, ay + t * vy - y
        return px * px + py * py <= r * r
    return Shape(contains, (min(ax, bx) - r, min(ay, by) - r, max(ax, bx) + r, max(ay, by) + r), color)


def disc(cx, cy, r, color=INK):
    return Shape(lambda x, y: (x - cx) ** 2 + (y - cy) ** 2 <= r * r, (cx - r, cy - r, cx + r, cy + r), color)


def lens(ax, ay, bx, by, half_width, color=INK):
    """A leaf: the overlap of two discs whose circles pass through both tips."""
    mx, my = (ax + bx) / 2, (ay + by) / 2
    half = math.hypot(bx - ax, by - ay) / 2
    # Circle radius R with sagitta half_width over a chord of 2 * half.
    radius = (half * half + half_width * half_width) / (2 * half_width)
    offset = radius - half_width
    nx, ny = -(by - ay) / (2 * half), (bx - ax) / (2 * half)
    centres = [(mx + nx * offset, my + ny * offset), (mx - nx * offset, my - ny * offset)]

    def contains(x, y):
        return all((x - cx) ** 2 + (y - cy) ** 2 <= radius * radius for cx, cy in centres)
    pad = half_width
    return Shape(contains, (min(ax, bx) - pad, min(ay, by) - pad, max(ax, bx) + pad, max(ay, by) + pad), color)


def polygon(points, grow=0.0, color=INK):
    """A convex or concave polygon, optionally grown by `grow` pixels all round."""
    edges = list(zip(points, points[1:] + points[:1]))

    def inside(x, y):
        crossings = False
        for (x1, y1), (x2, y2) in edges:
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                crossings = not crossings
        return crossings

    def near(x, y):
        for (x1, y1), (x2, y2) in edges:
            vx, vy = x2 - x1, y2 - y1
            t = max(0.0, min(1.0, ((x - x1) * vx + (y - y1) * vy) / (vx * vx + vy * vy)))
            if (x1 + t * vx - x) ** 2 + (y1 + t * vy - y) ** 2 <= grow * grow:
                return True
        return False

    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return Shape(lambda x, y: inside(x, y) or (grow > 0 and near(x, y)),
                 (min(xs) - grow, min(ys) - grow, max(xs) + grow, max(ys) + grow), color)


def drawing():
    basket = [(45, 34), (188, 34), (173, 72), (58, 72)]
    return [
        # The produce, behind the basket.
        disc(98, 27, 17),                                   # apple
        capsule(98, 11, 103, 4, 2.2),                       # its stalk
        lens(104, 9, 122, 3, 4.5),                          # its little leaf
        lens(140, 40, 232, 6, 21),                          # the big leaf
        capsule(150, 36, 222, 10, 1.6, PAPER),              # its vein
        # A white margin, then the basket with two slots.
        polygon(basket, grow=4, color=PAPER),
        polygon(basket),
        capsule(63, 46, 172, 46, 2.6, PAPER),
        capsule(67, 59, 167, 59, 2.6, PAPER),
        # Handle, frame and bottom rail.
        capsule(14, 18, 37, 18, 4.5),
        capsule(37, 18, 62, 87, 4.5),
        capsule(62, 87, 176, 87, 4.5),
        # Wheels with hubs.
        disc(83, 105, 9.5), disc(83, 105, 3.2, PAPER),
        disc(157, 105, 9.5), disc(157, 105, 3.2, PAPER),
    ]


def render():
    shapes = drawing()
    for shape in shapes:  # move each shape's box with the drawing
        x0, y0, x1, y1 = shape.bbox
        shape.bbox = (x0 + DX, y0 + DY, x1 + DX, y1 + DY)
    pixels = bytearray()
    for py in range(HEIGHT):
        row_shapes = [s for s in shapes if s.bbox[1] <= py + 1 and s.bbox[3] >= py]
        for px in range(WIDTH):
            here = [s for s in row_shapes if s.bbox[0] <= px + 1 and s.bbox[2] >= px]
            if not here:
                pixels.append(PAPER)
                continue
            total = 0
            for sy in range(SUB):
                y = py + (sy + 0.5) / SUB - DY
                for sx in range(SUB):
                    x = px + (sx + 0.5) / SUB - DX
                    color = PAPER
                    for shape in here:
                        if shape.contains(x, y):
                            color = shape.color
                    total += color
            pixels.append(round(total / (SUB * SUB)))
    return pixels


def main():
    pixels = render()
    out = sys.stdout.buffer
    out.write(b"P5\n# Kiosk receipt logo, made by assets/receipt/make-logo.py\n%d %d\n255\n" % (WIDTH, HEIGHT))
    out.write(pixels)


if __name__ == "__main__":
    main()
