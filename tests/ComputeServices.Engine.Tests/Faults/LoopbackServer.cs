using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ComputeServices.Tests.Faults
{
    /// <summary>One request as it arrived on the wire.</summary>
    public sealed class WireRequest
    {
        public WireRequest(string method, string target, Dictionary<string, string> headers, string body, int connectionNumber)
        {
            Method = method;
            Target = target;
            Headers = headers;
            Body = body;
            ConnectionNumber = connectionNumber;
        }

        public string Method { get; }
        /// <summary>The request target as sent: origin form (<c>/v2.1/os-services</c>) or, through a proxy, absolute form.</summary>
        public string Target { get; }
        public Dictionary<string, string> Headers { get; }
        public string Body { get; }
        public int ConnectionNumber { get; }

        public string Path
        {
            get
            {
                var t = Target;
                if (t.StartsWith("http", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(t, UriKind.Absolute, out var absolute)) t = absolute.PathAndQuery;
                var q = t.IndexOf('?');
                return q < 0 ? t : t.Substring(0, q);
            }
        }

        public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
        public override string ToString() => $"{Method} {Target}";
    }

    /// <summary>What a handler does with a request: answer it, or drop the connection.</summary>
    public sealed class WireExchange
    {
        private readonly Stream _stream;

        internal WireExchange(Stream stream, Socket socket)
        {
            _stream = stream;
            Socket = socket;
        }

        internal Socket Socket { get; }
        internal bool Dropped { get; private set; }

        public Task RespondAsync(int status, string body, string contentType = "application/json", params (string Name, string Value)[] headers)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            return WriteAsync(status, bytes, contentType, headers);
        }

        public async Task WriteAsync(int status, byte[] body, string contentType, params (string Name, string Value)[] headers)
        {
            var head = Head(status, body.Length, contentType, headers);
            await _stream.WriteAsync(head, 0, head.Length).ConfigureAwait(false);
            await _stream.WriteAsync(body, 0, body.Length).ConfigureAwait(false);
            await _stream.FlushAsync().ConfigureAwait(false);
        }

        /// <summary>Streams <paramref name="length"/> bytes of a JSON string without holding them: one 64 KiB block, sent again and again.</summary>
        public async Task StreamJsonAsync(long length, bool announceLength = true)
        {
            var head = Head(200, announceLength ? length : -1, "application/json", Array.Empty<(string, string)>());
            await _stream.WriteAsync(head, 0, head.Length).ConfigureAwait(false);
            var block = Encoding.ASCII.GetBytes(new string('x', 65536));
            var prefix = Encoding.ASCII.GetBytes("{\"services\": [], \"pad\": \"");
            long sent = 0;
            try
            {
                await _stream.WriteAsync(prefix, 0, prefix.Length).ConfigureAwait(false);
                sent += prefix.Length;
                while (sent < length)
                {
                    var n = (int)Math.Min(block.Length, length - sent);
                    await _stream.WriteAsync(block, 0, n).ConfigureAwait(false);
                    sent += n;
                }
            }
            catch (IOException)
            {
                // The client stopped reading (as it should past its cap).
            }
            Drop(graceful: true);
        }

        /// <summary>Announces <paramref name="announcedLength"/> bytes, sends only a few, and closes the connection.</summary>
        public async Task CutShortAsync(long announcedLength)
        {
            var head = Head(200, announcedLength, "application/json", Array.Empty<(string, string)>());
            var start = Encoding.ASCII.GetBytes("{\"services\": [");
            await _stream.WriteAsync(head, 0, head.Length).ConfigureAwait(false);
            await _stream.WriteAsync(start, 0, start.Length).ConfigureAwait(false);
            await _stream.FlushAsync().ConfigureAwait(false);
            Drop(graceful: true);
        }

        /// <summary>Closes the connection without answering: with a reset, or (graceful) with a FIN as a crashed proxy would.</summary>
        public void Drop(bool graceful = false)
        {
            Dropped = true;
            try
            {
                if (graceful) Socket.Shutdown(SocketShutdown.Both);
                else Socket.LingerState = new LingerOption(true, 0);
                Socket.Close();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        private static byte[] Head(int status, long length, string contentType, IEnumerable<(string Name, string Value)> headers)
        {
            var text = new StringBuilder();
            text.Append("HTTP/1.1 ").Append(status.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(Reason(status)).Append("\r\n");
            text.Append("Content-Type: ").Append(contentType).Append("\r\n");
            if (length >= 0) text.Append("Content-Length: ").Append(length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
            else text.Append("Connection: close\r\n");
            foreach (var (name, value) in headers) text.Append(name).Append(": ").Append(value).Append("\r\n");
            text.Append("\r\n");
            return Encoding.UTF8.GetBytes(text.ToString());
        }

        private static string Reason(int status) => status switch
        {
            200 => "OK", 201 => "Created", 202 => "Accepted", 204 => "No Content", 400 => "Bad Request", 401 => "Unauthorized",
            403 => "Forbidden", 404 => "Not Found", 409 => "Conflict", 429 => "Too Many Requests", 500 => "Internal Server Error",
            502 => "Bad Gateway", 503 => "Service Unavailable", _ => "Status",
        };
    }

    /// <summary>
    /// A small HTTP/1.1 server on 127.0.0.1 (TcpListener): keep-alive connections, Content-Length bodies, one handler for
    /// every request. It records every request that arrived, so tests can count what really went over the wire.
    /// </summary>
    public sealed class LoopbackServer : IDisposable
    {
        private readonly TcpListener _listener;
        private readonly Func<WireRequest, WireExchange, Task> _handler;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly ConcurrentBag<Socket> _sockets = new ConcurrentBag<Socket>();
        private int _connections;

        public LoopbackServer(Func<WireRequest, WireExchange, Task> handler)
        {
            _handler = handler;
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _ = AcceptLoopAsync();
        }

        public int Port { get; }
        public string BaseUrl => $"http://127.0.0.1:{Port}";
        public ConcurrentQueue<WireRequest> Requests { get; } = new ConcurrentQueue<WireRequest>();
        public int Connections => Volatile.Read(ref _connections);

        public int Count(string method, string pathPrefix)
            => Requests.Count(r => r.Method == method && r.Path.StartsWith(pathPrefix, StringComparison.Ordinal));

        private async Task AcceptLoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket socket;
                try
                {
                    socket = await _listener.AcceptSocketAsync().ConfigureAwait(false);
                }
                catch (Exception) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (SocketException)
                {
                    continue;
                }
                _sockets.Add(socket);
                var number = Interlocked.Increment(ref _connections);
                _ = ServeAsync(socket, number);
            }
        }

        private async Task ServeAsync(Socket socket, int number)
        {
            using var stream = new NetworkStream(socket, ownsSocket: true);
            var reader = new WireReader(stream);
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var request = await reader.ReadRequestAsync(number).ConfigureAwait(false);
                    if (request == null) return;
                    Requests.Enqueue(request);
                    var exchange = new WireExchange(stream, socket);
                    await _handler(request, exchange).ConfigureAwait(false);
                    if (exchange.Dropped) return;
                }
            }
            catch (Exception ex) when (ex is IOException || ex is SocketException || ex is ObjectDisposedException)
            {
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            foreach (var s in _sockets)
            {
                try { s.Close(); } catch (ObjectDisposedException) { }
            }
        }

        /// <summary>Reads requests byte by byte for the head (they are small) and by length for the body.</summary>
        private sealed class WireReader
        {
            private readonly Stream _stream;
            private readonly byte[] _one = new byte[1];

            public WireReader(Stream stream) => _stream = stream;

            public async Task<WireRequest?> ReadRequestAsync(int connection)
            {
                var requestLine = await ReadLineAsync().ConfigureAwait(false);
                if (string.IsNullOrEmpty(requestLine)) return null;
                var parts = requestLine!.Split(' ');
                var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                while (true)
                {
                    var line = await ReadLineAsync().ConfigureAwait(false);
                    if (string.IsNullOrEmpty(line)) break;
                    var colon = line!.IndexOf(':');
                    if (colon > 0) headers[line.Substring(0, colon).Trim()] = line.Substring(colon + 1).Trim();
                }
                var body = "";
                if (headers.TryGetValue("Content-Length", out var lengthText) && int.TryParse(lengthText, out var length) && length > 0)
                {
                    var buffer = new byte[length];
                    var read = 0;
                    while (read < length)
                    {
                        var n = await _stream.ReadAsync(buffer, read, length - read).ConfigureAwait(false);
                        if (n == 0) return null;
                        read += n;
                    }
                    body = Encoding.UTF8.GetString(buffer);
                }
                return new WireRequest(parts[0], parts.Length > 1 ? parts[1] : "/", headers, body, connection);
            }

            private async Task<string?> ReadLineAsync()
            {
                var bytes = new List<byte>();
                while (true)
                {
                    var n = await _stream.ReadAsync(_one, 0, 1).ConfigureAwait(false);
                    if (n == 0) return bytes.Count == 0 ? null : Encoding.UTF8.GetString(bytes.ToArray());
                    if (_one[0] == (byte)'\n') break;
                    if (_one[0] != (byte)'\r') bytes.Add(_one[0]);
                }
                return Encoding.UTF8.GetString(bytes.ToArray());
            }
        }
    }
}
