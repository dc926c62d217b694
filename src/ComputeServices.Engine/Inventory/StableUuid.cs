using System;
using System.Security.Cryptography;
using System.Text;

namespace ComputeServices.Inventory
{
    /// <summary>RFC 4122 name-based (version 5, SHA-1) UUIDs, as Python's <c>uuid.uuid5</c> makes them.</summary>
    public static class StableUuid
    {
        public static string Create(string namespaceUuid, string name)
        {
            var ns = ToNetworkOrder(Guid.Parse(namespaceUuid).ToByteArray());
            var nameBytes = Encoding.UTF8.GetBytes(name);
            byte[] hash;
            using (var sha1 = SHA1.Create())
            {
                var input = new byte[ns.Length + nameBytes.Length];
                Buffer.BlockCopy(ns, 0, input, 0, ns.Length);
                Buffer.BlockCopy(nameBytes, 0, input, ns.Length, nameBytes.Length);
                hash = sha1.ComputeHash(input);
            }
            var bytes = new byte[16];
            Array.Copy(hash, bytes, 16);
            bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
            bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
            return new Guid(ToNetworkOrder(bytes)).ToString("D");
        }

        // Guid.ToByteArray is little-endian in its first three fields; RFC 4122 is big-endian. The swap is its own inverse.
        private static byte[] ToNetworkOrder(byte[] b)
        {
            var r = (byte[])b.Clone();
            Array.Reverse(r, 0, 4);
            Array.Reverse(r, 4, 2);
            Array.Reverse(r, 6, 2);
            return r;
        }
    }
}
