import { dpopHtu } from '../../src/index.js';

describe('dpopHtu', () => {
  it.each([
    ['https://api.example.com/orders', 'https://api.example.com/orders'],
    ['HTTPS://API.EXAMPLE.COM/orders', 'https://api.example.com/orders'],
    ['https://api.example.com:443/orders', 'https://api.example.com/orders'],
    ['http://api.example.com:80/orders', 'http://api.example.com/orders'],
    ['https://api.example.com:8443/orders', 'https://api.example.com:8443/orders'],
    ['https://api.example.com', 'https://api.example.com/'],
    ['https://api.example.com/orders?id=1&x=2', 'https://api.example.com/orders'],
    ['https://api.example.com/orders#frag', 'https://api.example.com/orders'],
    ['https://api.example.com/a/./b/../orders', 'https://api.example.com/a/orders'],
    ['https://api.example.com/%7euser/%2fx', 'https://api.example.com/~user/%2Fx'],
    ['https://api.example.com/Orders', 'https://api.example.com/Orders'],
    ['https://[::1]:443/x', 'https://[::1]/x'],
  ])('%s → %s', (input, expected) => {
    expect(dpopHtu(input)).toBe(expected);
    expect(dpopHtu(new URL(input))).toBe(expected);
  });

  it.each([['/orders'], ['ftp://api.example.com/x'], ['https://user:pw@api.example.com/x'], ['not a url']])(
    'refuses %s',
    (input) => {
      expect(() => dpopHtu(input)).toThrow(TypeError);
    },
  );
});
