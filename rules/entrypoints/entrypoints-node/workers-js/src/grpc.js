const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const definition = protoLoader.loadSync(__dirname + '/fulfillment.proto');
const proto = grpc.loadPackageDefinition(definition);

const impl = {
  getStatus: (call, callback) => callback(null, { status: 'SHIPPED' }),
};

const server = new grpc.Server();
server.addService(proto.fulfillment.Fulfillment.service, impl); // expect: entrypoints-node
server.bindAsync('0.0.0.0:50051', grpc.ServerCredentials.createInsecure(), () => {});
