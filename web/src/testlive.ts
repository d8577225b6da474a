// For the tests: a live channel over fake sockets, the test playing the server (`server(message)`).
import { LiveChannel, type SocketLike } from './live';

export type FakeSocket = SocketLike & { server: (m: unknown) => void };

export function fakeChannel(): { channel: LiveChannel; sockets: FakeSocket[] } {
  const sockets: FakeSocket[] = [];
  const channel = new LiveChannel({
    url: () => 'ws://console/api/v1/ws',
    connect: () => {
      const s = {
        send: () => undefined,
        close: () => undefined,
        onopen: null,
        onmessage: null,
        onclose: null,
        onerror: null,
        server(m: unknown) {
          this.onmessage?.({ data: JSON.stringify(m) });
        },
      } as FakeSocket;
      sockets.push(s);
      return s;
    },
    schedule: (fn) => setTimeout(fn, 0),
    cancel: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  });
  return { channel, sockets };
}
