const amqp = require('amqplib');
const nodemailer = require('nodemailer');

const mailer = nodemailer.createTransport({ host: process.env.SMTP_HOST });

(async () => {
  const conn = await amqp.connect(process.env.AMQP_URL);
  const ch = await conn.createChannel();
  await ch.consume('emails', async (msg) => {
    const { to, subject, body } = JSON.parse(msg.content.toString());
    await mailer.sendMail({ to, subject, text: body });
    ch.ack(msg);
  });
})();
