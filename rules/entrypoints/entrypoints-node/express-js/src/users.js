const users = new Map();

async function getUser(req, res) {
  const user = users.get(req.params.id);
  if (!user) return res.sendStatus(404);
  res.json(user);
}

async function listUsers(req, res) {
  res.json([...users.values()]);
}

module.exports = { getUser, listUsers };
