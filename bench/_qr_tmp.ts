import QRCode from 'qrcode';
function t(name: string, f: (i: number) => unknown, n = 3000) { for (let i = 0; i < 300; i++) f(i); const s = performance.now(); for (let i = 0; i < n; i++) f(i); console.log(name, ((performance.now() - s) / n * 1000).toFixed(1) + 'us'); }
t('qr M auto', (i) => QRCode.create(`https://bills.example.com/v/${i.toString(36)}abcdefgh`, { errorCorrectionLevel: 'M' }));
t('qr M mask0', (i) => QRCode.create(`https://bills.example.com/v/${i.toString(36)}abcdefgh`, { errorCorrectionLevel: 'M', maskPattern: 0 }));
t('qr long auto', (i) => QRCode.create(`https://bills.example.com/v/${i.toString(36)}abcdefgh0123456789abcdef0123456789abcdef`, { errorCorrectionLevel: 'M' }));
t('qr upper alnum', (i) => QRCode.create(`HTTPS://BILLS.EXAMPLE.COM/V/${i.toString(36).toUpperCase()}ABCDEFGH`, { errorCorrectionLevel: 'M' }));
